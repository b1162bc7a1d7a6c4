// What the SIP threads share: the location service, the digest nonces, the flood limiter
// and the counters. Each piece locks for itself (or is atomic), so a REGISTER handled by one
// thread is seen at once by a call handled by another.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "DigestAuth.h"
#include "FloodGuard.h"
#include "Location.h"
#include "PeerCallLimits.h"
#include "SipConfig.h"
#include "UpstreamClient.h"

namespace vce::sip {

struct SipCounters {
    std::atomic<uint64_t> requests{0}, registers{0}, register_ok{0}, auth_failed{0}, invites{0},
        messages{0}, messages_stored{0}, flood_dropped{0}, malformed{0}, calls_in_setup{0};
};

struct SharedSipState {
    SharedSipState(const SipConfig &cfg, std::string secret)
        : auth(cfg.realm, std::move(secret), cfg.nonce_ttl),
          flood(cfg.flood_rate, cfg.flood_burst) {
        for (const auto &ip : cfg.flood_trusted) flood.trust(ip);
    }
    LocationStore location;
    DigestAuth auth;
    FloodGuard flood;
    SipCounters counters;
    UpstreamStates upstream_states;
    PeerCallLimits peer_limits;
};

}  // namespace vce::sip
