// The applications and functions the dialplan can call; modules add and remove theirs.
#include "dialplan/Registry.h"

#include <mutex>

#include "dialplan/Execution.h"
#include "dialplan/Expression.h"

namespace vce::dialplan {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char &c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return std::string(s);
}

// "cond?yes:no" -> the chosen branch (GotoIf, IF).
std::string choose(const std::string &data) {
    size_t q = data.find('?');
    if (q == std::string::npos) return std::string();
    std::string branches = data.substr(q + 1);
    size_t colon = branches.find(':');
    std::string yes = branches.substr(0, colon);
    std::string no = colon == std::string::npos ? std::string() : branches.substr(colon + 1);
    return trim(is_true(data.substr(0, q)) ? yes : no);
}

std::vector<std::string> split(std::string_view s) {
    std::vector<std::string> out;
    int depth = 0;
    bool quoted = false;
    std::string cur;
    for (char c : s) {
        if (c == '"') quoted = !quoted;
        if (!quoted && c == '(') ++depth;
        if (!quoted && c == ')' && depth > 0) --depth;
        if (c == ',' && depth == 0 && !quoted) {
            out.push_back(cur);
            cur.clear();
        } else {
            cur.push_back(c);
        }
    }
    out.push_back(cur);
    return out;
}

}  // namespace

std::string join_args(const std::vector<std::string> &args) {
    std::string out;
    for (size_t i = 0; i < args.size(); ++i) {
        if (i) out.push_back(',');
        out += args[i];
    }
    return out;
}

Registry::Registry() {
    add_application(
        "NoOp", [](Execution &, const std::vector<std::string> &) { return AppResult::next(); });
    add_application("Goto", [](Execution &, const std::vector<std::string> &args) {
        return AppResult::go(join_args(args));
    });
    add_application("GotoIf", [](Execution &, const std::vector<std::string> &args) {
        std::string target = choose(join_args(args));
        return target.empty() ? AppResult::next() : AppResult::go(target);
    });
    add_application("Set", [](Execution &x, const std::vector<std::string> &args) {
        std::string data = join_args(args);
        size_t eq = data.find('=');
        if (eq == std::string::npos) return AppResult::next();
        std::string name = trim(data.substr(0, eq));
        std::string value = data.substr(eq + 1);
        size_t open = name.find('(');
        if (open != std::string::npos && name.back() == ')') {
            auto fn = x.registry().function(name.substr(0, open));
            if (fn && fn->write)
                fn->write(x, split(name.substr(open + 1, name.size() - open - 2)), value);
            return AppResult::next();
        }
        if (!name.empty()) x.set(name, value);
        return AppResult::next();
    });
    add_application("Hangup", [](Execution &x, const std::vector<std::string> &args) {
        if (!args.empty() && !args[0].empty()) x.set("HANGUPCAUSE", args[0]);
        return AppResult::hangup();
    });
    add_function("LEN", {[](Execution &, const std::vector<std::string> &a) {
                             return std::to_string(join_args(a).size());
                         },
                         nullptr});
    add_function("ISNULL", {[](Execution &, const std::vector<std::string> &a) {
                                return std::string(join_args(a).empty() ? "1" : "0");
                            },
                            nullptr});
    add_function(
        "IF", {[](Execution &, const std::vector<std::string> &a) { return choose(join_args(a)); },
               nullptr});
}

bool Registry::add_application(const std::string &name, Application app) {
    std::unique_lock lock(mutex_);
    return apps_.emplace(lower(name), std::make_shared<const Application>(std::move(app))).second;
}

bool Registry::remove_application(const std::string &name) {
    std::unique_lock lock(mutex_);
    return apps_.erase(lower(name)) > 0;
}

bool Registry::add_function(const std::string &name, Function fn) {
    std::unique_lock lock(mutex_);
    return functions_.emplace(lower(name), std::make_shared<const Function>(std::move(fn))).second;
}

bool Registry::remove_function(const std::string &name) {
    std::unique_lock lock(mutex_);
    return functions_.erase(lower(name)) > 0;
}

std::shared_ptr<const Application> Registry::application(std::string_view name) const {
    std::string key = lower(name);
    std::shared_lock lock(mutex_);
    auto it = apps_.find(key);
    return it == apps_.end() ? nullptr : it->second;
}

std::shared_ptr<const Function> Registry::function(std::string_view name) const {
    std::string key = lower(name);
    std::shared_lock lock(mutex_);
    auto it = functions_.find(key);
    return it == functions_.end() ? nullptr : it->second;
}

std::vector<std::string> Registry::application_names() const {
    std::shared_lock lock(mutex_);
    std::vector<std::string> out;
    for (const auto &a : apps_) out.push_back(a.first);
    return out;
}

std::vector<std::string> Registry::function_names() const {
    std::shared_lock lock(mutex_);
    std::vector<std::string> out;
    for (const auto &f : functions_) out.push_back(f.first);
    return out;
}

std::vector<std::string> split_args(std::string_view data) {
    return split(data);
}

}  // namespace vce::dialplan
