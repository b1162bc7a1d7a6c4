// The SDP a relayed party receives: its peer's first audio stream moved to the relay.
#include "daemon/media/SdpRelayRewrite.h"

#include <arpa/inet.h>

#include <sstream>
#include <vector>

namespace vce::media {
namespace {

// More m= lines than any phone sends: a thousand of them is an attack on the parser, not a call.
constexpr std::size_t kMaxMediaLines = 16;

SdpRelayRewrite refuse(int status, std::string why) {
    SdpRelayRewrite r;
    r.status = status;
    r.reason = std::move(why);
    return r;
}

bool ipv4(const std::string &a) {
    in_addr x{};
    return inet_pton(AF_INET, a.c_str(), &x) == 1;
}

// "c=IN IP4 192.0.2.1": the address, or "" when the line is not IPv4.
std::string connection_address(const std::string &value) {
    std::istringstream in(value);
    std::string net, type, addr;
    in >> net >> type >> addr;
    if (net != "IN" || type != "IP4") return "";
    return addr;
}

// ICE would steer the media around the relay.
bool ice_attribute(const std::string &l) {
    return l.rfind("a=candidate:", 0) == 0 || l.rfind("a=ice-", 0) == 0 ||
           l.rfind("a=remote-candidates", 0) == 0 || l.rfind("a=end-of-candidates", 0) == 0;
}

}  // namespace

SdpRelayRewrite rewriteSdpForRelay(const std::string &sdp, const std::string &address,
                                   uint16_t port) {
    std::vector<std::string> lines;
    {
        std::istringstream in(sdp);
        std::string l;
        while (std::getline(in, l)) {
            if (!l.empty() && l.back() == '\r') l.pop_back();
            if (l.empty()) continue;
            if (l.size() < 2 || l[1] != '=')
                return refuse(400, "SDP line '" + l.substr(0, 40) + "' is not '<type>=<value>'");
            lines.push_back(l);
        }
    }
    if (lines.empty() || lines[0] != "v=0") return refuse(400, "SDP does not begin with v=0");
    SdpRelayRewrite r;
    std::string session_addr, audio_addr;
    // Where we are: 0 session level, 1 the relayed audio stream, 2 any other stream.
    int section = 0;
    bool seen_audio = false;
    std::size_t media_lines = 0;
    std::ostringstream out;
    for (const std::string &l : lines) {
        const std::string v = l.substr(2);
        if (l[0] == 'm') {
            if (++media_lines > kMaxMediaLines)
                return refuse(
                    488, "SDP has more than " + std::to_string(kMaxMediaLines) + " media lines");
            std::istringstream in(v);
            std::string media, port_text, profile, rest;
            in >> media >> port_text >> profile;
            std::getline(in, rest);
            if (media.empty() || port_text.empty() || profile.empty())
                return refuse(
                    400, "SDP m= line '" + l.substr(0, 60) + "' lacks a media, port or transport");
            if (media == "audio" && !seen_audio) {
                seen_audio = true;
                section = 1;
                long p = -1;
                if (port_text.find_first_not_of("0123456789") == std::string::npos &&
                    port_text.size() <= 5)
                    p = std::stol(port_text);
                if (p < 0 || p > 65535)
                    return refuse(
                        400, "SDP m=audio port '" + port_text.substr(0, 12) + "' is not 0-65535");
                if (profile != "RTP/AVP" && profile != "RTP/SAVP" && profile != "RTP/AVPF" &&
                    profile != "RTP/SAVPF")
                    return refuse(488, "SDP m=audio transport '" + profile.substr(0, 20) +
                                           "' is not RTP/AVP, RTP/SAVP, RTP/AVPF or RTP/SAVPF");
                if (rest.find_first_not_of(' ') == std::string::npos)
                    return refuse(400, "SDP m=audio line has no payload type");
                r.port = static_cast<uint16_t>(p);
                out << "m=audio " << (p == 0 ? 0 : port) << " " << profile << rest << "\r\n";
            } else {
                section = 2;
                out << "m=" << media << " 0 " << profile << rest << "\r\n";
            }
            continue;
        }
        if (l[0] == 'c' && section < 2) {
            const std::string a = connection_address(v);
            if (a.empty() || !ipv4(a))
                return refuse(488, "SDP c= line '" + l.substr(0, 60) +
                                       "' is not an IPv4 address (IN IP4 a.b.c.d)");
            (section == 0 ? session_addr : audio_addr) = a;
            out << "c=IN IP4 " << address << "\r\n";
            continue;
        }
        if (section == 1 && l.rfind("a=rtcp:", 0) == 0) {
            out << "a=rtcp:" << port + 1 << "\r\n";
            continue;
        }
        if (section == 1 && ice_attribute(l)) continue;
        out << l << "\r\n";
    }
    if (!seen_audio) return refuse(488, "SDP has no m=audio line");
    r.address = audio_addr.empty() ? session_addr : audio_addr;
    if (r.address.empty()) return refuse(400, "SDP names no address (c=) for its audio");
    r.sdp = out.str();
    return r;
}

}  // namespace vce::media
