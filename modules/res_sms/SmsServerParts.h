// The server's per-connection, per-terminal and per-delivery records (core thread), shared by
// SmsServer.cpp (transport, registration) and SmsDelivery.cpp (routing, delivery, store).
#pragma once

#include "modules/res_sms/SmsServer.h"

namespace vce::sms {

struct SmsServer::Link {
    SmsServer *server;
    uint64_t id;
    Origin origin;
    BuffereventPtr bev;
};

struct SmsServer::Session {
    std::string number;  // proved by a digest; "" until then
    std::string nonce;   // the last CHALLENGE's, usable once
    std::string terminal_id;
    bool bound = false;  // a binding in the location store that this origin's loss removes
};

struct SmsServer::Pending {
    SmsServer *server;
    std::string id;  // ours, in the MESSAGE frames to the callee's terminals
    std::string callee;
    int legs = 0;              // terminals that have not reported yet
    bool unreachable = false;  // a terminal failed without refusing
    Outcome done;
    std::string last_reason;
    EventPtr timer;
};

}  // namespace vce::sms
