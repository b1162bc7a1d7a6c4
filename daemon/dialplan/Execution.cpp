// One call's walk through the dialplan: variables, position, stepping until it waits or ends.
#include "dialplan/Execution.h"

#include <cstdlib>

#include "dialplan/Expression.h"

namespace vce::dialplan {

namespace {

constexpr size_t kMaxExpansion = 65536;
constexpr int kMaxDepth = 20;

std::string_view trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

bool parse_int(std::string_view s, long &out) {
    s = trim(s);
    if (s.empty() || s.size() > 9) return false;
    std::string tmp(s);
    char *end = nullptr;
    out = std::strtol(tmp.c_str(), &end, 10);
    return end && *end == '\0';
}

}  // namespace

Execution::Execution(std::shared_ptr<const Dialplan> plan, const Registry &registry,
                     std::string context, std::string exten, int priority)
    : plan_(std::move(plan)),
      registry_(registry),
      context_(std::move(context)),
      exten_(std::move(exten)),
      priority_(priority) {}

void Execution::end(std::string reason) {
    state_ = State::Ended;
    end_reason_ = std::move(reason);
}

Execution::State Execution::run(int max_steps) {
    if (state_ != State::Ready) return state_;
    for (int n = 0; n < max_steps; ++n) {
        Dialplan::Found f = plan_->find(context_, exten_);
        if (!f.extension) {
            if (exten_ != "i" && plan_->exists(context_, "i")) {
                vars_["INVALID_EXTEN"] = exten_;
                exten_ = "i";
                priority_ = 1;
                continue;
            }
            end("no extension '" + exten_ + "' in context '" + context_ + "'");
            return state_;
        }
        const Step *s = f.extension->find(priority_);
        if (!s) {
            end("end of extension " + exten_ + " in context " + context_ + " (no priority " +
                std::to_string(priority_) + ")");
            return state_;
        }
        step_ = s;
        auto app = registry_.application(s->app);
        if (!app) {
            end("unknown application '" + s->app + "' at " + s->file + ":" +
                std::to_string(s->line));
            return state_;
        }
        std::vector<std::string> args = split_args(substitute(s->args));
        AppResult r = (*app)(*this, args);
        if (state_ == State::Ended) return state_;
        switch (r.flow) {
            case AppResult::Continue:
                ++priority_;
                break;
            case AppResult::Hangup:
                end("hangup");
                return state_;
            case AppResult::Wait:
                waiting_app_ = s->app;
                waiting_args_ = std::move(args);
                ++priority_;
                state_ = State::Waiting;
                return state_;
            case AppResult::Goto:
                if (!jump(r.target)) return state_;
                break;
        }
    }
    end("more than " + std::to_string(max_steps) + " steps without waiting (a Goto loop?) at " +
        (step_ ? step_->file + ":" + std::to_string(step_->line) : std::string("start")));
    return state_;
}

void Execution::resume(const std::map<std::string, std::string> &variables) {
    if (state_ != State::Waiting) return;
    for (const auto &[k, v] : variables) vars_[k] = v;
    waiting_app_.clear();
    waiting_args_.clear();
    state_ = State::Ready;
}

std::string Execution::get(std::string_view name) const {
    if (name == "EXTEN") return exten_;
    if (name == "CONTEXT") return context_;
    if (name == "PRIORITY") return std::to_string(priority_);
    auto it = vars_.find(std::string(name));
    if (it != vars_.end()) return it->second;
    auto g = plan_->globals().find(std::string(name));
    return g == plan_->globals().end() ? std::string() : g->second;
}

void Execution::set(const std::string &name, std::string value) {
    vars_[name] = std::move(value);
}

bool Execution::jump(std::string_view target) {
    std::vector<std::string> parts = split_args(target);
    std::string where = step_ ? " at " + step_->file + ":" + std::to_string(step_->line) : "";
    if (parts.empty() || parts.size() > 3) {
        end("bad Goto target '" + std::string(target) + "'" + where);
        return false;
    }
    std::string ctx = context_, ext = exten_;
    if (parts.size() == 3) ctx = std::string(trim(parts[0]));
    if (parts.size() >= 2) ext = std::string(trim(parts[parts.size() - 2]));
    std::string_view prio = trim(parts.back());
    Dialplan::Found f = plan_->find(ctx, ext);
    if (!f.extension) {
        end("Goto: no extension '" + ext + "' in context '" + ctx + "'" + where);
        return false;
    }
    long number = 0;
    if (parse_int(prio, number)) {
        if (!f.extension->find(static_cast<int>(number))) {
            end("Goto: no priority " + std::string(prio) + " in extension " + ext + "@" + ctx +
                where);
            return false;
        }
    } else {
        const Step *s = f.extension->find_label(prio);
        if (!s) {
            end("Goto: no label '" + std::string(prio) + "' in extension " + ext + "@" + ctx +
                where);
            return false;
        }
        number = s->priority;
    }
    context_ = ctx;
    exten_ = ext;
    priority_ = static_cast<int>(number);
    return true;
}

std::string Execution::substitute(std::string_view text) {
    std::string out;
    expand(text, out, 0);
    return out;
}

void Execution::expand(std::string_view text, std::string &out, int depth) {
    for (size_t i = 0; i < text.size(); ++i) {
        if (out.size() > kMaxExpansion) return;
        char c = text[i];
        if (c != '$' || i + 1 >= text.size() || (text[i + 1] != '{' && text[i + 1] != '[') ||
            depth >= kMaxDepth) {
            out.push_back(c);
            continue;
        }
        char open = text[i + 1], close = open == '{' ? '}' : ']';
        int level = 1;
        size_t j = i + 2;
        for (; j < text.size(); ++j) {
            if (text[j] == open) ++level;
            if (text[j] == close && --level == 0) break;
        }
        if (j >= text.size()) {  // unbalanced: keep as written
            out.append(text.substr(i));
            return;
        }
        std::string inner;
        expand(text.substr(i + 2, j - i - 2), inner, depth + 1);
        if (open == '{') {
            out += lookup(inner, depth);
        } else {
            std::string error;
            out += evaluate(inner, &error);
            if (!error.empty()) vars_["EXPRESSION_ERROR"] = error;
        }
        i = j;
    }
}

std::string Execution::lookup(std::string_view ref, int depth) {
    size_t open = ref.find('(');
    if (open != std::string_view::npos && !ref.empty() && ref.back() == ')') {
        auto fn = registry_.function(ref.substr(0, open));
        if (!fn || !fn->read) return std::string();
        return fn->read(*this, split_args(ref.substr(open + 1, ref.size() - open - 2)));
    }
    size_t colon = ref.find(':');
    std::string value = get(ref.substr(0, colon));
    if (colon == std::string_view::npos) return value;
    // ${VAR:offset[:length]}; a negative offset counts from the end, a negative length
    // leaves that many characters off the end.
    std::string_view rest = ref.substr(colon + 1);
    size_t colon2 = rest.find(':');
    long off = 0, len = 0;
    if (!parse_int(rest.substr(0, colon2), off)) off = 0;
    bool has_len = colon2 != std::string_view::npos && parse_int(rest.substr(colon2 + 1), len);
    long size = static_cast<long>(value.size());
    if (off < 0) off = std::max(0L, size + off);
    if (off > size) off = size;
    long end = size;
    if (has_len) end = len >= 0 ? std::min(size, off + len) : std::max(off, size + len);
    (void)depth;
    return value.substr(static_cast<size_t>(off), static_cast<size_t>(end - off));
}

}  // namespace vce::dialplan
