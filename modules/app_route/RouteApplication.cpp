// Route(number[,caller]) as a dialplan application (see RouteApplication.h).
#include "modules/app_route/RouteApplication.h"

#include "dialplan/Execution.h"
#include "routing/Peer.h"
#include "vce/CallDriver.h"

namespace vce::approute {

dialplan::Application route_application(RouteFunction route) {
    return [route = std::move(route)](dialplan::Execution &exec,
                                      const std::vector<std::string> &args) {
        const std::string number = args.empty() || args[0].empty() ? exec.get("EXTEN") : args[0];
        const std::string caller = args.size() > 1 ? args[1] : exec.get(channel_vars::kCallerNum);
        routing::Decision d = route(number, caller);
        // What the caller may reach (its channel says; a peer's reach, all for a member).
        routing::limit_to_reach(d, routing::reach_of_variable(exec.get(channel_vars::kReach)));
        for (const auto &[name, value] : d.variables()) exec.set(name, value);
        return dialplan::AppResult::next();
    };
}

}  // namespace vce::approute
