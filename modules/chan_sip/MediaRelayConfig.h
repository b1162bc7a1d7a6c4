// sip.conf's media relay settings ([general] media_relay, media_relay_address,
// media_relay_ports, media_relay_threads), parsed and checked; and the one decision they make:
// whether a call's media is anchored here. Pure.
#pragma once

#include <cstdint>
#include <string>

#include "vce/Config.h"

namespace vce::sip {

enum class MediaRelayMode { Never, Nat, Always };

struct MediaRelayConfig {
    MediaRelayMode mode = MediaRelayMode::Never;
    std::string bind_address;  // where the relay listens (default: bind's IP)
    std::string address;       // what the SDP names (default: advertise, else bind's IP)
    uint16_t port_first = 10000, port_last = 20000;
    unsigned threads = 1;

    // media_relay_address sets both addresses; without it the relay listens on bind's IP and
    // names `advertise` ("" : bind's IP) in the SDP, as SIP does.
    static MediaRelayConfig from(const ConfigSection &general, const std::string &bind_ip,
                                 const std::string &advertise,
                                 const std::string &path);  // throws ConfigError
};

// Whether a call's media goes through the relay: always, never, or (nat) when a party is
// behind NAT (its SDP names an address its SIP did not come from).
bool relay_media(MediaRelayMode mode, bool caller_natted, bool callee_natted);

// A party is behind NAT when its SDP's audio address is not the address its SIP came from
// (an SDP without an audio address says nothing). Pure: parses the SDP.
bool sdp_behind_nat(const std::string &sdp, const std::string &source_ip);

}  // namespace vce::sip
