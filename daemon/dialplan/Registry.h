// The applications and functions the dialplan can call; modules add and remove theirs.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace vce::dialplan {

class Execution;

// What an application tells the engine.
struct AppResult {
    enum Flow {
        Continue,  // next priority
        Hangup,    // end the call
        Wait,      // suspend until the owner calls Execution::resume (e.g. Dial)
        Goto,      // jump to `target`: "[[context,]exten,]priority-or-label"
    } flow = Continue;
    std::string target;

    static AppResult next() { return {}; }
    static AppResult hangup() { return {Hangup, {}}; }
    static AppResult wait() { return {Wait, {}}; }
    static AppResult go(std::string target) { return {Goto, std::move(target)}; }
};

// An application gets the call's execution and its arguments, substituted and split on ','.
using Application = std::function<AppResult(Execution &, const std::vector<std::string> &args)>;

// A function: ${NAME(args)} reads; Set(NAME(args)=value) writes (optional).
struct Function {
    std::function<std::string(Execution &, const std::vector<std::string> &args)> read;
    std::function<void(Execution &, const std::vector<std::string> &args, const std::string &value)>
        write;
};

// Names are case-insensitive. Thread-safe: modules add/remove while calls look up; a call
// holds a shared_ptr to the callable it runs. The constructor registers the engine's own
// applications (Goto, GotoIf, Set, NoOp, Hangup) and functions (LEN, IF, ISNULL).
class Registry {
public:
    Registry();

    bool add_application(const std::string &name, Application app);  // false if taken
    bool remove_application(const std::string &name);                // false if absent
    bool add_function(const std::string &name, Function fn);
    bool remove_function(const std::string &name);

    std::shared_ptr<const Application> application(std::string_view name) const;
    std::shared_ptr<const Function> function(std::string_view name) const;
    std::vector<std::string> application_names() const;
    std::vector<std::string> function_names() const;

private:
    mutable std::shared_mutex mutex_;
    std::map<std::string, std::shared_ptr<const Application>, std::less<>> apps_;
    std::map<std::string, std::shared_ptr<const Function>, std::less<>> functions_;
};

// Joins args back with ',' (for applications whose data may contain commas: GotoIf, Set).
std::string join_args(const std::vector<std::string> &args);
// Splits application data on commas outside parentheses and double quotes.
std::vector<std::string> split_args(std::string_view data);

}  // namespace vce::dialplan
