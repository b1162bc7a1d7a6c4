// Whether the SIP hosts routes go to (other centres, trunk gateways) answer: chan_sip asks
// each with OPTIONS on its first SIP thread and offers what it learnt as the service
// "sip_health"; app_route's Route() skips a host that is down. Every method is safe from any
// thread and does no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "routing/Alternatives.h"

namespace vce {

class HealthService : public routing::HostHealth {
public:
    // "host:port": true once it missed `misses` OPTIONS in a row, false again at its first
    // answer; false for a host that is not watched.
    bool down(std::string_view hostport) const override = 0;
    // "up", "down", "unknown" (watched, no answer or miss yet) or "" (not watched), with the
    // detail a person wants ("down: 3 OPTIONS unanswered, since 12 s").
    virtual std::string state(std::string_view hostport) const = 0;
};

namespace services {
constexpr const char *kSipHealth = "sip_health";  // vce::HealthService (chan_sip)
}

}  // namespace vce
