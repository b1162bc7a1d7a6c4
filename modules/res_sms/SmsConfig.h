// res_sms.conf: the framed port, the server's own number and the limits (every key with its
// default in res_sms.conf.sample). Read on the core thread at load.
#pragma once

#include <string>

#include "vce/Config.h"

namespace vce::sms {

struct SmsConfig {
    std::string bind_ip = "127.0.0.1";
    int port = 5070;             // TCP and UDP
    std::string number;          // the server's own number (an account); "" = not registered
    int register_seconds = 120;  // the server's own binding is refreshed at half of this
    int max_expires = 3600;      // a framed terminal's registration, at most
    size_t max_body = 65536;     // bytes
    int delivery_timeout = 10;   // seconds a framed terminal has to report a delivery
    int sender_rate = 0;         // messages per minute per sender; 0 = no limit
    int store_seconds = 604800;  // how long a stored message waits for its callee
    int retry_seconds = 30;      // first retry of a stored message to a registered callee
    int retry_max = 3600;        // retries back off (doubling) up to this

    // Throws ConfigError naming the key and what was expected.
    static SmsConfig from(const Config &conf);
};

}  // namespace vce::sms
