// A parsed, immutable dialplan: contexts, includes, extensions and their priorities.
#include "dialplan/Dialplan.h"

#include <algorithm>
#include <set>

namespace vce::dialplan {

ParseError::ParseError(const std::string &file, int line, const std::string &message)
    : std::runtime_error(file + ":" + std::to_string(line) + ": " + message),
      file_(file),
      line_(line),
      message_(message) {}

const Step *Extension::find(int priority) const {
    auto it = std::lower_bound(steps.begin(), steps.end(), priority,
                               [](const Step &s, int p) { return s.priority < p; });
    return it != steps.end() && it->priority == priority ? &*it : nullptr;
}

const Step *Extension::find_label(std::string_view label) const {
    for (const Step &s : steps)
        if (s.label == label) return &s;
    return nullptr;
}

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == '+';
}

bool app_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Drops a ';' comment ("\;" is a literal ';').
std::string strip_comment(std::string_view raw) {
    std::string out;
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size() && raw[i + 1] == ';') {
            out.push_back(';');
            ++i;
        } else if (raw[i] == ';') {
            break;
        } else {
            out.push_back(raw[i]);
        }
    }
    return out;
}

std::string folder_of(const std::string &path) {
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

}  // namespace

class Parser {
public:
    explicit Parser(Dialplan &dp) : dp_(dp) {}

    void text(std::string_view text, const std::string &file, const Dialplan::Reader *read,
              int depth);
    void finish();

private:
    struct Build {
        std::vector<Extension> exts;
        std::map<std::string, size_t> by_name;
        std::map<std::string, int> last_priority;
    };
    [[noreturn]] void error(const std::string &msg) const { throw ParseError(file_, line_, msg); }
    void line(std::string_view l, const Dialplan::Reader *read, int depth);
    void include_file(std::string_view arg, const Dialplan::Reader *read, int depth);
    void exten(std::string_view value, bool same);

    Dialplan &dp_;
    std::string file_;
    int line_ = 0;
    std::string context_;  // current context, empty before the first [context]
    std::string last_ext_;
    std::map<std::string, Build> builds_;
    struct IncludeRef {
        std::string from, to, file;
        int line;
    };
    std::vector<IncludeRef> includes_;
};

void Parser::text(std::string_view text, const std::string &file, const Dialplan::Reader *read,
                  int depth) {
    std::string saved_file = file_;
    int saved_line = line_;
    file_ = file;
    line_ = 0;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        ++line_;
        line(text.substr(pos, nl - pos), read, depth);
        pos = nl + 1;
    }
    file_ = saved_file;
    line_ = saved_line;
}

void Parser::include_file(std::string_view arg, const Dialplan::Reader *read, int depth) {
    arg = trim(arg);
    if (arg.size() >= 2 &&
        ((arg.front() == '"' && arg.back() == '"') || (arg.front() == '<' && arg.back() == '>')))
        arg = arg.substr(1, arg.size() - 2);
    if (arg.empty()) error("expected a file name after #include");
    if (!read) error("#include \"" + std::string(arg) + "\" needs Dialplan::parse_file");
    if (depth >= 10) error("#include nested more than 10 deep (a loop?)");
    std::string path(arg);
    if (path[0] != '/') path = folder_of(file_) + path;
    std::string content;
    if (!(*read)(path, content)) error("cannot read included file " + path);
    std::string ctx = context_;
    text(content, path, read, depth + 1);
    context_ = ctx;
}

void Parser::line(std::string_view raw, const Dialplan::Reader *read, int depth) {
    std::string stripped = strip_comment(raw);
    std::string_view l = trim(stripped);
    if (l.empty()) return;
    if (l[0] == '#') {
        if (l.substr(0, 8) == "#include") return include_file(l.substr(8), read, depth);
        error("unknown directive '" + std::string(l.substr(0, l.find(' '))) +
              "' (expected #include)");
    }
    if (l[0] == '[') {
        size_t close = l.find(']');
        if (close == std::string_view::npos) error("expected ']' to close the context name");
        std::string_view name = trim(l.substr(1, close - 1));
        if (name.empty()) error("empty context name");
        for (char c : name)
            if (!name_char(c))
                error("context name '" + std::string(name) +
                      "' may contain only letters, digits, '_', '-', '.', '+'");
        if (!trim(l.substr(close + 1)).empty())
            error("unexpected text after [" + std::string(name) +
                  "] (context templates are not supported)");
        context_ = std::string(name);
        last_ext_.clear();
        if (context_ != "globals" && !dp_.contexts_.count(context_)) {
            Context c;
            c.name = context_;
            c.file = file_;
            c.line = line_;
            dp_.contexts_.emplace(context_, std::move(c));
            builds_[context_];
        }
        return;
    }
    size_t eq = l.find('=');
    if (eq == std::string_view::npos || eq == 0)
        error("expected 'exten =>', 'same =>', 'include =>' or a [context], found '" +
              std::string(l) + "'");
    std::string_view key = trim(l.substr(0, eq));
    std::string_view value = l.substr(eq + 1);
    if (!value.empty() && value[0] == '>') value.remove_prefix(1);
    value = trim(value);
    if (context_.empty()) error("'" + std::string(key) + "' before the first [context]");
    if (context_ == "globals") {
        for (char c : key)
            if (!app_char(c))
                error("global variable name '" + std::string(key) + "' is not a name");
        dp_.globals_[std::string(key)] = std::string(value);
        return;
    }
    if (key == "exten") return exten(value, false);
    if (key == "same") return exten(value, true);
    if (key == "include") {
        if (value.empty()) error("expected a context name after 'include =>'");
        std::string to(value);
        auto &inc = dp_.contexts_.find(context_)->second.includes;
        if (std::find(inc.begin(), inc.end(), to) == inc.end()) inc.push_back(to);
        includes_.push_back({context_, to, file_, line_});
        return;
    }
    error("expected 'exten', 'same' or 'include' before '=>', found '" + std::string(key) + "'");
}

void Parser::exten(std::string_view value, bool same) {
    std::string_view pattern_text, prio, app;
    size_t c1 = value.find(',');
    if (same) {
        if (last_ext_.empty()) error("'same =>' with no 'exten =>' before it in this context");
        pattern_text = last_ext_;
        if (c1 == std::string_view::npos) error("expected 'same => priority,Application(args)'");
        prio = trim(value.substr(0, c1));
        app = trim(value.substr(c1 + 1));
    } else {
        size_t c2 = c1 == std::string_view::npos ? c1 : value.find(',', c1 + 1);
        if (c2 == std::string_view::npos)
            error("expected 'exten => pattern,priority,Application(args)'");
        pattern_text = trim(value.substr(0, c1));
        prio = trim(value.substr(c1 + 1, c2 - c1 - 1));
        app = trim(value.substr(c2 + 1));
        if (pattern_text.find('/') != std::string_view::npos)
            error("caller-ID matching ('/') is not supported in '" + std::string(pattern_text) +
                  "'");
    }
    std::string normal;
    try {
        Pattern p(pattern_text);
        normal = p.text();
        Build &b = builds_[context_];
        if (!b.by_name.count(normal)) {
            b.by_name[normal] = b.exts.size();
            b.exts.emplace_back(std::move(p));
        }
    } catch (const std::invalid_argument &e) {
        error(e.what());
    }
    last_ext_ = normal;
    Build &b = builds_[context_];
    Extension &ext = b.exts[b.by_name[normal]];

    // Priority: N, n, N(label), n(label); "hint" lines are accepted and ignored.
    std::string label;
    size_t open = prio.find('(');
    if (open != std::string_view::npos) {
        if (prio.back() != ')')
            error("expected ')' after the label in '" + std::string(prio) + "'");
        label = std::string(trim(prio.substr(open + 1, prio.size() - open - 2)));
        if (label.empty()) error("empty label in '" + std::string(prio) + "'");
        for (char c : label)
            if (!app_char(c) && c != '-') error("label '" + label + "' is not a name");
        prio = trim(prio.substr(0, open));
    }
    if (prio == "hint") return;
    int number = 0;
    auto last = b.last_priority.find(normal);
    if (prio == "n") {
        if (last == b.last_priority.end())
            error("priority 'n' for extension " + normal + " with no priority before it");
        number = last->second + 1;
    } else {
        if (prio.empty() || prio.size() > 6 ||
            !std::all_of(prio.begin(), prio.end(), [](char c) { return c >= '0' && c <= '9'; }))
            error("expected a priority (a number, 'n', or either with a (label)), found '" +
                  std::string(prio) + "'");
        number = std::stoi(std::string(prio));
        if (number < 1) error("priorities start at 1");
    }
    b.last_priority[normal] = number;
    if (const Step *dup = ext.find(number))
        error("priority " + std::to_string(number) + " of extension " + normal +
              " is already defined at " + dup->file + ":" + std::to_string(dup->line));
    if (!label.empty())
        if (const Step *dup = ext.find_label(label))
            error("label '" + label + "' of extension " + normal + " is already used at " +
                  dup->file + ":" + std::to_string(dup->line));

    // Application: App(args), App, or the old App,args.
    Step s;
    s.priority = number;
    s.label = label;
    s.file = file_;
    s.line = line_;
    if (app.empty())
        error("priority " + std::to_string(number) + " of extension " + normal +
              " has no application");
    size_t i = 0;
    while (i < app.size() && app_char(app[i])) ++i;
    if (i == 0) error("expected an application name, found '" + std::string(app) + "'");
    s.app = std::string(app.substr(0, i));
    std::string_view rest = trim(app.substr(i));
    if (rest.empty()) {
    } else if (rest[0] == '(') {
        if (rest.back() != ')') error("expected ')' at the end of " + s.app + "(...)");
        s.args = std::string(rest.substr(1, rest.size() - 2));
    } else if (rest[0] == ',') {
        s.args = std::string(rest.substr(1));
    } else {
        error("expected '(' after application name " + s.app);
    }
    auto pos = std::lower_bound(ext.steps.begin(), ext.steps.end(), number,
                                [](const Step &st, int p) { return st.priority < p; });
    ext.steps.insert(pos, std::move(s));
}

void Parser::finish() {
    for (const IncludeRef &r : includes_) {
        if (!dp_.contexts_.count(r.to))
            throw ParseError(
                r.file, r.line,
                "context '" + r.from + "' includes '" + r.to + "', which is not defined");
        if (r.to == r.from)
            throw ParseError(r.file, r.line, "context '" + r.from + "' includes itself");
    }
    for (auto &[name, b] : builds_) {
        Context &c = dp_.contexts_.find(name)->second;
        for (Extension &e : b.exts) {
            if (e.pattern.is_pattern())
                c.patterns.push_back(std::move(e));
            else
                c.exact.push_back(std::move(e));
        }
        std::sort(c.exact.begin(), c.exact.end(), [](const Extension &a, const Extension &b) {
            return a.pattern.text() < b.pattern.text();
        });
        std::stable_sort(c.patterns.begin(), c.patterns.end(),
                         [](const Extension &a, const Extension &b) {
                             return a.pattern.more_specific_than(b.pattern);
                         });
    }
}

std::shared_ptr<const Dialplan> Dialplan::parse(std::string_view text,
                                                const std::string &filename) {
    auto dp = std::make_shared<Dialplan>();
    Parser p(*dp);
    p.text(text, filename, nullptr, 0);
    p.finish();
    return dp;
}

std::shared_ptr<const Dialplan> Dialplan::parse_file(const std::string &path, const Reader &read) {
    std::string content;
    if (!read || !read(path, content)) throw ParseError(path, 0, "cannot read the file");
    auto dp = std::make_shared<Dialplan>();
    Parser p(*dp);
    p.text(content, path, &read, 0);
    p.finish();
    return dp;
}

const Context *Dialplan::context(std::string_view name) const {
    auto it = contexts_.find(name);
    return it == contexts_.end() ? nullptr : &it->second;
}

std::vector<std::string> Dialplan::context_names() const {
    std::vector<std::string> out;
    for (const auto &c : contexts_) out.push_back(c.first);
    return out;
}

// Calls f(context, extension, match) over the search order until f returns true.
template <class F>
bool Dialplan::visit(std::string_view start, F &&f) const {
    const Context *seen[32];
    size_t nseen = 0;
    const Context *stack[32];
    size_t depth = 0;
    if (const Context *c = context(start)) stack[depth++] = c;
    // Depth-first in include order, each context once (includes may form loops).
    std::vector<const Context *> order;
    while (depth > 0) {
        const Context *c = stack[--depth];
        if (std::find(seen, seen + nseen, c) != seen + nseen) continue;
        if (nseen == 32) break;
        seen[nseen++] = c;
        order.push_back(c);
        for (auto it = c->includes.rbegin(); it != c->includes.rend() && depth < 32; ++it)
            if (const Context *inc = context(*it)) stack[depth++] = inc;
    }
    for (const Context *c : order) {
        for (const Extension &e : c->exact)
            if (f(c, e)) return true;
        for (const Extension &e : c->patterns)
            if (f(c, e)) return true;
    }
    return false;
}

Dialplan::Found Dialplan::find(std::string_view context, std::string_view exten) const {
    Found found;
    visit(context, [&](const Context *c, const Extension &e) {
        if (!e.pattern.match(exten).full) return false;
        found.context = c;
        found.extension = &e;
        return true;
    });
    return found;
}

bool Dialplan::exists(std::string_view context, std::string_view digits) const {
    return find(context, digits).extension != nullptr;
}

bool Dialplan::can_match(std::string_view context, std::string_view digits) const {
    return visit(context, [&](const Context *, const Extension &e) {
        auto m = e.pattern.match(digits);
        return m.full || m.more;
    });
}

bool Dialplan::match_more(std::string_view context, std::string_view digits) const {
    return visit(context,
                 [&](const Context *, const Extension &e) { return e.pattern.match(digits).more; });
}

std::string Dialplan::show(std::string_view only) const {
    std::string out;
    for (const auto &[name, c] : contexts_) {
        if (!only.empty() && name != only) continue;
        out +=
            "[ Context '" + name + "' created at " + c.file + ":" + std::to_string(c.line) + " ]\n";
        for (const std::string &inc : c.includes) out += "  Include =>        '" + inc + "'\n";
        auto ext = [&](const Extension &e) {
            std::string head = "  '" + e.pattern.text() + "' =>";
            for (const Step &s : e.steps) {
                std::string left = head;
                left.resize(std::max<size_t>(left.size(), 20), ' ');
                std::string prio =
                    std::to_string(s.priority) + (s.label.empty() ? "" : "(" + s.label + ")");
                std::string body = left + prio + ". " + s.app + "(" + s.args + ")";
                if (body.size() < 60) body.resize(60, ' ');
                out += body + " [" + s.file + ":" + std::to_string(s.line) + "]\n";
                head = "";
            }
        };
        for (const Extension &e : c.exact) ext(e);
        for (const Extension &e : c.patterns) ext(e);
        out += "\n";
    }
    if (out.empty() && !only.empty()) out = "There is no context '" + std::string(only) + "'\n";
    return out;
}

}  // namespace vce::dialplan
