// What a Dial leg's SIP final responses mean for the dialplan: chan_sip's names for the
// core's one outcome table (vce/DialOutcome.h), which every technology shares. Pure.
#pragma once

#include <string>

#include "vce/DialOutcome.h"

namespace vce::sip {

// The preference among failures of several forks (vce::failure_rank).
inline int failure_rank(int status) {
    return vce::failure_rank(status);
}
// The DIALSTATUS of a SIP final status (vce::dialstatus_of_sip).
inline std::string dialstatus_of(int status) {
    return vce::dialstatus_of_sip(status);
}

}  // namespace vce::sip
