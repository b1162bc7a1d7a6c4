// The dialplan applications Route(number[,caller]) and RouteNext(): what they read from the
// call and what they set. Route() sets ROUTE_TARGET, ROUTE_CLASS, ROUTE_PSTN, ROUTE_STATUS, ...
// and the alternatives ROUTE_TARGETS, ROUTE_TARGET_1..n, ROUTE_TRY=1 (routing/Decision.h). The
// number defaults to ${EXTEN}, the caller to the channel's CALLERID(num), set the same way by
// every technology (vce/CallDriver.h). A destination beyond the channel's ${CALL_REACH}
// (routing/Peer.h) is refused with ROUTE_STATUS 403, ROUTE_CAUSE not-permitted, alternatives
// and all. Pure: the routing itself is the function passed in (app_route's router over its
// snapshot; tests pass the same router over their own snapshot).
//
// RouteNext(), after a Dial of ${ROUTE_TARGET} failed: when the failure is one to try the next
// alternative on (routing/Failover.h, from DIALSTATUS and DIALSIPSTATUS) and one is left, sets
// ROUTE_TRY to its number, ROUTE_TARGET to it and ROUTE_NEXT=yes; otherwise ROUTE_NEXT=no.
#pragma once

#include <functional>
#include <string>

#include "dialplan/Registry.h"
#include "routing/Router.h"

namespace vce::approute {

using RouteFunction =
    std::function<routing::Decision(const std::string &number, const std::string &caller)>;

dialplan::Application route_application(RouteFunction route);
dialplan::Application route_next_application();

}  // namespace vce::approute
