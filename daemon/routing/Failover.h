// When a failed Dial to one alternative of a route (a centre, a trunk group) should try the
// next: the way failed (the server is unreachable, overloaded or broken), not the callee's
// own answer. Pure: the dialplan's RouteNext() asks it with DIALSTATUS and DIALSIPSTATUS.
#pragma once

#include <string_view>

namespace vce::routing {

// With a SIP status (sip_status > 0): 408 and 5xx try the next; 404, 480, 486, every other
// 4xx and 6xx do not (the callee is unknown, away or busy there, and would be anywhere).
// Without one (a technology that gives none): CONGESTION and CHANUNAVAIL try the next.
// ANSWER, BUSY and CANCEL never do, whatever the status says.
bool try_next_alternative(std::string_view dialstatus, int sip_status);

}  // namespace vce::routing
