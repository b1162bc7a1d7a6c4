// What a dial leg's outcome means, in one table for every technology: the DIALSTATUS of a
// SIP final status, the SIP status a SIP caller gets for a DIALSTATUS, and the preference
// among several forks' failures. Pure.
#pragma once

#include <string>
#include <string_view>

namespace vce {

// ANSWER (2xx), BUSY (486, 600), NOANSWER (408, 480, 487), CHANUNAVAIL (404, 604),
// CONGESTION (5xx and everything else).
std::string dialstatus_of_sip(int status);
// The SIP answer to a caller whose leg ended with `dialstatus`: BUSY 486, NOANSWER 480,
// CHANUNAVAIL 480, CONGESTION 503, CANCEL 487, anything else 500; ANSWER 200.
int sip_status_of_dialstatus(std::string_view dialstatus);
// RFC 3261 16.7.6-ish preference among final failures: 6xx, then 486 Busy, other 4xx, then
// 408/480 timeouts, then 5xx. Higher is preferred; 0 for anything that is not a failure.
int failure_rank(int status);

}  // namespace vce
