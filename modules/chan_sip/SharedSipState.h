// What the SIP threads share: the location service, the digest nonces, the flood limiter,
// the password-guessing guard and the counters. Each piece locks for itself (or is atomic), so a
// REGISTER handled by one thread is seen at once by a call handled by another.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "AuthFailureGuard.h"
#include "CentreHealth.h"
#include "DigestAuth.h"
#include "FloodGuard.h"
#include "Location.h"
#include "PeerCallLimits.h"
#include "SipConfig.h"
#include "UpstreamClient.h"
#include "daemon/media/MediaRelay.h"
#include "vce/MediaRelayService.h"

namespace vce::sip {

struct SipCounters {
    std::atomic<uint64_t> requests{0}, registers{0}, register_ok{0}, auth_failed{0}, invites{0},
        messages{0}, messages_stored{0}, flood_dropped{0}, malformed{0}, calls_in_setup{0},
        auth_refused{0};  // requests refused because their source is blocked (AuthFailureGuard)
};

struct SharedSipState {
    SharedSipState(const SipConfig &cfg, std::string secret)
        : auth(cfg.realm, std::move(secret), cfg.nonce_ttl),
          flood(cfg.flood_rate, cfg.flood_burst),
          auth_guard(guard_settings(cfg)),
          centre_health(cfg.centre_misses) {
        for (const auto &ip : cfg.flood_trusted) flood.trust(ip);
    }
    static AuthGuardSettings guard_settings(const SipConfig &cfg) {
        AuthGuardSettings s;
        s.limit = cfg.auth_fail_limit;
        s.window = cfg.auth_fail_window;
        s.block = cfg.auth_block_seconds;
        // A phone refreshes its registration at least every max_expires: until then the
        // address it last authenticated from is still its owner's.
        s.owner_memory = std::max(3600, cfg.max_expires);
        return s;
    }
    LocationStore location;
    DigestAuth auth;
    FloodGuard flood;
    AuthFailureGuard auth_guard;
    SipCounters counters;
    UpstreamStates upstream_states;
    PeerCallLimits peer_limits;
    CentreHealth centre_health;  // the service "sip_health"; written by the first SIP thread
    // The media relay calls are anchored through (media_relay != never): a module's service
    // "media_relay" when one is loaded, else vced's own relay, owned here. Set before the SIP
    // threads start.
    std::unique_ptr<media::MediaRelay> own_media_relay;
    MediaRelayService *media_relay = nullptr;
};

}  // namespace vce::sip
