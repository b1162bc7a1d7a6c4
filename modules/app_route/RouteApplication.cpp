// Route(number[,caller]) and RouteNext() as dialplan applications (see RouteApplication.h).
#include "modules/app_route/RouteApplication.h"

#include <cstdlib>

#include "dialplan/Execution.h"
#include "routing/Failover.h"
#include "routing/Peer.h"
#include "vce/CallDriver.h"

namespace vce::approute {

namespace {
int number_of(const std::string &s) {
    return static_cast<int>(std::strtol(s.c_str(), nullptr, 10));
}
std::string target_var(int i) {
    return "ROUTE_TARGET_" + std::to_string(i);
}
}  // namespace

dialplan::Application route_application(RouteFunction route) {
    return [route = std::move(route)](dialplan::Execution &exec,
                                      const std::vector<std::string> &args) {
        const std::string number = args.empty() || args[0].empty() ? exec.get("EXTEN") : args[0];
        const std::string caller = args.size() > 1 ? args[1] : exec.get(channel_vars::kCallerNum);
        routing::Decision d = route(number, caller);
        // What the caller may reach (its channel says; a peer's reach, all for a member).
        routing::limit_to_reach(d, routing::reach_of_variable(exec.get(channel_vars::kReach)));
        // A Route() before this one may have left more alternatives.
        const int before = number_of(exec.get("ROUTE_TARGETS"));
        for (int i = static_cast<int>(d.target_count()) + 1; i <= before; ++i)
            exec.set(target_var(i), "");
        for (const auto &[name, value] : d.variables()) exec.set(name, value);
        exec.set("ROUTE_NEXT", "");
        return dialplan::AppResult::next();
    };
}

dialplan::Application route_next_application() {
    return [](dialplan::Execution &exec, const std::vector<std::string> &) {
        const int tried = number_of(exec.get("ROUTE_TRY"));
        const int count = number_of(exec.get("ROUTE_TARGETS"));
        const bool next =
            tried >= 1 && tried < count &&
            routing::try_next_alternative(exec.get(channel_vars::kDialStatus),
                                          number_of(exec.get(channel_vars::kDialSipStatus)));
        if (next) {
            exec.set("ROUTE_TRY", std::to_string(tried + 1));
            exec.set("ROUTE_TARGET", exec.get(target_var(tried + 1)));
        }
        exec.set("ROUTE_NEXT", next ? "yes" : "no");
        return dialplan::AppResult::next();
    };
}

}  // namespace vce::approute
