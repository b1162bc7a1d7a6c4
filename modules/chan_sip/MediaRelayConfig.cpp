// sip.conf's media relay settings and the decision to anchor a call's media.
#include "MediaRelayConfig.h"

#include <arpa/inet.h>

#include "daemon/media/SdpAudio.h"

namespace vce::sip {

MediaRelayConfig MediaRelayConfig::from(const ConfigSection &g, const std::string &bind_ip,
                                        const std::string &advertise, const std::string &path) {
    auto refuse = [&](const std::string &key, const std::string &why) {
        const ConfigEntry *e = g.find(key);
        return ConfigError(e ? e->file : path, e ? e->line : g.line, why);
    };
    MediaRelayConfig c;
    const std::string mode = g.get("media_relay", "never");
    if (mode == "never")
        c.mode = MediaRelayMode::Never;
    else if (mode == "nat")
        c.mode = MediaRelayMode::Nat;
    else if (mode == "always")
        c.mode = MediaRelayMode::Always;
    else
        throw refuse("media_relay",
                     "media_relay is nat (calls with a party behind NAT), always or never, got '" +
                         mode + "'");
    c.bind_address = g.get("media_relay_address", bind_ip);
    c.address = g.get("media_relay_address", advertise.empty() ? bind_ip : advertise);
    in_addr a{};
    if (inet_pton(AF_INET, c.bind_address.c_str(), &a) != 1)
        throw refuse("media_relay_address",
                     "media_relay_address is the IPv4 address the relay listens on and names in "
                     "SDP, got '" +
                         c.address + "'");
    const std::string ports = g.get("media_relay_ports", "10000-20000");
    const size_t dash = ports.find('-');
    long first = -1, last = -1;
    try {
        if (dash != std::string::npos) {
            first = std::stol(ports.substr(0, dash));
            last = std::stol(ports.substr(dash + 1));
        }
    } catch (...) {
    }
    if (first < 1024 || last > 65535 || last - first < 3)
        throw refuse("media_relay_ports",
                     "media_relay_ports is FIRST-LAST within 1024-65535 holding at least two "
                     "RTP/RTCP pairs, got '" +
                         ports + "'");
    c.port_first = static_cast<uint16_t>(first);
    c.port_last = static_cast<uint16_t>(last);
    const long threads = g.get_int("media_relay_threads", 1);
    if (threads < 1 || threads > 64)
        throw refuse("media_relay_threads", "media_relay_threads is 1..64");
    c.threads = static_cast<unsigned>(threads);
    return c;
}

bool relay_media(MediaRelayMode mode, bool caller_natted, bool callee_natted) {
    switch (mode) {
        case MediaRelayMode::Never:
            return false;
        case MediaRelayMode::Always:
            return true;
        case MediaRelayMode::Nat:
            return caller_natted || callee_natted;
    }
    return false;
}

bool sdp_behind_nat(const std::string &sdp, const std::string &source_ip) {
    const media::SdpParseResult r = media::parseSdpAudio(sdp);
    return r.audio && !r.audio->address.empty() && !source_ip.empty() &&
           r.audio->address != source_ip;
}

}  // namespace vce::sip
