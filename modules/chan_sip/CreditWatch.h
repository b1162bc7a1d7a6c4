// The paid call time of one answered billable call (CallCredit.h), with the timer that asks
// for more or ends the call. Owned by the answered call it watches (Engine's AnsweredCall or
// GatewayCall): destroyed with it, which cancels the timer. SIP thread only.
#pragma once

#include <string>

#include "CallCredit.h"
#include "SofiaHandles.h"

namespace vce::sip {

class Engine;

struct CreditWatch {
    Engine *engine = nullptr;
    std::string call_id;
    int leg = 0;
    double answered = 0;  // unix seconds
    CreditGrant grant;
    bool asking = false;  // a call_extend is out
    Timer timer;
};

}  // namespace vce::sip
