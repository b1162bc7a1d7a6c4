// When a failed Dial tries the route's next alternative (see Failover.h).
#include "routing/Failover.h"

namespace vce::routing {

bool try_next_alternative(std::string_view dialstatus, int sip_status) {
    if (dialstatus == "ANSWER" || dialstatus == "BUSY" || dialstatus == "CANCEL") return false;
    if (sip_status > 0) return sip_status == 408 || (sip_status >= 500 && sip_status < 600);
    return dialstatus == "CONGESTION" || dialstatus == "CHANUNAVAIL";
}

}  // namespace vce::routing
