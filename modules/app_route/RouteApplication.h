// The dialplan application Route(number[,caller]): what it reads from the call and what it
// sets (ROUTE_TARGET, ROUTE_CLASS, ROUTE_PSTN, ROUTE_STATUS, ...). The number defaults to
// ${EXTEN}, the caller to the channel's CALLERID(num), set the same way by every technology
// (vce/CallDriver.h). A destination beyond the channel's ${CALL_REACH} (routing/Peer.h) is
// refused with ROUTE_STATUS 403, ROUTE_CAUSE not-permitted. Pure: the routing itself is the
// function passed in (app_route's router over its snapshot; tests pass the same router over their
// own snapshot).
#pragma once

#include <functional>
#include <string>

#include "dialplan/Registry.h"
#include "routing/Router.h"

namespace vce::approute {

using RouteFunction =
    std::function<routing::Decision(const std::string &number, const std::string &caller)>;

dialplan::Application route_application(RouteFunction route);

}  // namespace vce::approute
