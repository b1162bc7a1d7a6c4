// The dial outcome table (see vce/DialOutcome.h).
#include "vce/DialOutcome.h"

namespace vce {

namespace {
struct Row {
    const char *dialstatus;
    int sip;
};
// DIALSTATUS -> the SIP status a SIP caller is answered with.
constexpr Row kRows[] = {
    {"ANSWER", 200},      {"BUSY", 486},       {"NOANSWER", 480},
    {"CHANUNAVAIL", 480}, {"CONGESTION", 503}, {"CANCEL", 487},
};
}  // namespace

std::string dialstatus_of_sip(int status) {
    if (status >= 200 && status < 300) return "ANSWER";
    if (status == 486 || status == 600) return "BUSY";
    if (status == 408 || status == 480 || status == 487) return "NOANSWER";
    if (status == 404 || status == 604) return "CHANUNAVAIL";
    return "CONGESTION";
}

int sip_status_of_dialstatus(std::string_view dialstatus) {
    for (const Row &r : kRows)
        if (dialstatus == r.dialstatus) return r.sip;
    return 500;
}

int failure_rank(int status) {
    if (status >= 600) return 100;
    if (status == 486) return 90;
    if (status >= 400 && status < 500 && status != 408 && status != 480) return 80;
    if (status == 480 || status == 408) return 60;
    if (status >= 500) return 50;
    return 0;
}

}  // namespace vce
