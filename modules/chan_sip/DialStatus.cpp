// DIALSTATUS of SIP final responses (see DialStatus.h).
#include "DialStatus.h"

namespace vce::sip {

int failure_rank(int status) {
    if (status >= 600) return 100;
    if (status == 486) return 90;
    if (status >= 400 && status < 500 && status != 408 && status != 480) return 80;
    if (status == 480 || status == 408) return 60;
    if (status >= 500) return 50;
    return 0;
}

std::string dialstatus_of(int status) {
    if (status >= 200 && status < 300) return "ANSWER";
    if (status == 486 || status == 600) return "BUSY";
    if (status == 408 || status == 480 || status == 487) return "NOANSWER";
    if (status == 503 || status >= 500) return "CONGESTION";
    if (status == 404 || status == 604) return "CHANUNAVAIL";
    return "CONGESTION";
}

}  // namespace vce::sip
