// What a Dial leg's SIP final responses mean for the dialplan: the preference among failures
// of several forks, and the DIALSTATUS a status gives. Pure.
#pragma once

#include <string>

namespace vce::sip {

// RFC 3261 16.7.6-ish preference among final failures: 6xx, then 4xx over 5xx, and 486 Busy
// ahead of timeouts. Higher is preferred; 0 for anything that is not a failure.
int failure_rank(int status);
// ANSWER (2xx), BUSY (486, 600), NOANSWER (408, 480, 487), CHANUNAVAIL (404, 604),
// CONGESTION (5xx and everything else).
std::string dialstatus_of(int status);

}  // namespace vce::sip
