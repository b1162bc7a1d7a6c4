// One call's walk through the dialplan: variables, position, stepping until it waits or ends.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dialplan/Dialplan.h"
#include "dialplan/Registry.h"

namespace vce::dialplan {

// Not thread-safe: one owner (the call) drives it. Keeps its own shared_ptr to the plan,
// so a reload does not disturb it. Errors end the execution with a reason naming
// file:line; nothing throws.
class Execution {
public:
    enum class State { Ready, Waiting, Ended };

    Execution(std::shared_ptr<const Dialplan> plan, const Registry &registry, std::string context,
              std::string exten, int priority = 1);

    // Runs priorities until an application waits, the call hangs up or the plan ends.
    // max_steps guards against Goto loops (ends with a reason).
    State run(int max_steps = 10000);
    // After Wait: sets the outcome variables (e.g. DIALSTATUS); the next run() continues
    // at the priority after the one that waited.
    void resume(const std::map<std::string, std::string> &variables = {});
    State state() const { return state_; }
    // Why it ended: "hangup", "end of extension 1234 in context from-members", ...
    const std::string &end_reason() const { return end_reason_; }

    // The application that is waiting and its arguments (valid while Waiting).
    const std::string &waiting_app() const { return waiting_app_; }
    const std::vector<std::string> &waiting_args() const { return waiting_args_; }

    const std::string &context() const { return context_; }
    const std::string &exten() const { return exten_; }
    int priority() const { return priority_; }

    // Channel variables first, then EXTEN, CONTEXT, PRIORITY, then [globals].
    std::string get(std::string_view name) const;
    void set(const std::string &name, std::string value);
    const std::map<std::string, std::string> &variables() const { return vars_; }

    // Expands ${VAR}, ${VAR:offset:length}, ${FUNC(args)} and $[expression].
    std::string substitute(std::string_view text);
    // Goto semantics: "priority|label", "exten,priority|label" or "context,exten,priority|label".
    // Returns false (and ends the execution with a reason) when the target does not exist.
    bool jump(std::string_view target);

    const Dialplan &plan() const { return *plan_; }
    const Registry &registry() const { return registry_; }

private:
    void end(std::string reason);
    void expand(std::string_view text, std::string &out, int depth);
    std::string lookup(std::string_view ref, int depth);

    std::shared_ptr<const Dialplan> plan_;
    const Registry &registry_;
    std::string context_, exten_;
    int priority_;
    State state_ = State::Ready;
    std::string end_reason_;
    std::map<std::string, std::string> vars_;
    std::string waiting_app_;
    std::vector<std::string> waiting_args_;
    const Step *step_ = nullptr;  // the step being run, for error messages
};

}  // namespace vce::dialplan
