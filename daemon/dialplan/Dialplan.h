// A parsed, immutable dialplan: contexts, includes, extensions and their priorities.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "dialplan/Pattern.h"

namespace vce::dialplan {

// Thrown by Dialplan::parse; what() is "file:line: what was wrong / what was expected".
class ParseError : public std::runtime_error {
public:
    ParseError(const std::string &file, int line, const std::string &message);
    const std::string &file() const { return file_; }
    int line() const { return line_; }
    const std::string &message() const { return message_; }

private:
    std::string file_;
    int line_;
    std::string message_;
};

// One priority of an extension: App(args), with the args as written (substituted when run).
struct Step {
    int priority = 0;
    std::string label;
    std::string app;
    std::string args;
    std::string file;
    int line = 0;
};

struct Extension {
    explicit Extension(Pattern p) : pattern(std::move(p)) {}
    Pattern pattern;
    std::vector<Step> steps;  // sorted by priority
    const Step *find(int priority) const;
    const Step *find_label(std::string_view label) const;
};

struct Context {
    std::string name;
    std::string file;
    int line = 0;
    std::vector<Extension> exact;     // by name
    std::vector<Extension> patterns;  // most specific first
    std::vector<std::string> includes;
};

// Immutable once parsed: share it with std::shared_ptr<const Dialplan>; a reload parses a
// new one and swaps the pointer, calls in progress keep the old one. Parse errors throw
// ParseError; lookups never throw.
class Dialplan {
public:
    // Reads a file for parse_file (#include); returns false if it cannot. The library does
    // no I/O itself: the daemon passes a reader.
    using Reader = std::function<bool(const std::string &path, std::string &text)>;

    static std::shared_ptr<const Dialplan> parse(std::string_view text,
                                                 const std::string &filename);
    // Follows "#include file" (relative to the including file's folder).
    static std::shared_ptr<const Dialplan> parse_file(const std::string &path, const Reader &read);

    struct Found {
        const Context *context = nullptr;  // where the extension was found
        const Extension *extension = nullptr;
    };
    // The extension for `exten` in `context` or its includes: the context's own exact
    // names, then its patterns (most specific first), then each include in order.
    Found find(std::string_view context, std::string_view exten) const;

    bool exists(std::string_view context, std::string_view digits) const;      // full match
    bool can_match(std::string_view context, std::string_view digits) const;   // full or more
    bool match_more(std::string_view context, std::string_view digits) const;  // more possible

    const Context *context(std::string_view name) const;
    std::vector<std::string> context_names() const;
    const std::map<std::string, std::string> &globals() const { return globals_; }

    // Text for `vcectl dialplan show [context]`; every context when `context` is empty.
    std::string show(std::string_view context = {}) const;

private:
    friend class Parser;
    template <class F>
    bool visit(std::string_view context, F &&f) const;

    std::map<std::string, Context, std::less<>> contexts_;
    std::map<std::string, std::string> globals_;
};

}  // namespace vce::dialplan
