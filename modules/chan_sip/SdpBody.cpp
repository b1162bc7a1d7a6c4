// The SDP body of a SIP message, read and replaced.
#include "SdpBody.h"

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <strings.h>

#include <cctype>

namespace vce::sip {

std::string sdp_body(sip_t const *sip) {
    if (!sip || !sip->sip_payload || !sip->sip_payload->pl_data || !sip->sip_content_type ||
        !sip->sip_content_type->c_type ||
        strcasecmp(sip->sip_content_type->c_type, "application/sdp") != 0)
        return "";
    return std::string(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
}

bool set_sdp_body(msg_t *msg, const std::string &sdp) {
    sip_t *sip = sip_object(msg);
    su_home_t *home = msg_home(msg);
    sip_payload_t *pl = sip_payload_create(home, sdp.data(), static_cast<isize_t>(sdp.size()));
    sip_content_length_t *cl = sip_content_length_create(home, static_cast<uint32_t>(sdp.size()));
    if (!sip || !pl || !cl) return false;
    if (sip->sip_payload)
        msg_header_replace(msg, nullptr, reinterpret_cast<msg_header_t *>(sip->sip_payload),
                           reinterpret_cast<msg_header_t *>(pl));
    else
        msg_header_insert(msg, nullptr, reinterpret_cast<msg_header_t *>(pl));
    if (sip->sip_content_length)
        msg_header_replace(msg, nullptr, reinterpret_cast<msg_header_t *>(sip->sip_content_length),
                           reinterpret_cast<msg_header_t *>(cl));
    else
        msg_header_insert(msg, nullptr, reinterpret_cast<msg_header_t *>(cl));
    return true;
}

std::string warning_text(const std::string &reason) {
    std::string s;
    for (char c : reason) {
        if (s.size() >= 120) break;
        const bool plain = std::isprint(static_cast<unsigned char>(c)) && c != '"' && c != '\\';
        s += plain ? c : '\'';
    }
    return s;
}

}  // namespace vce::sip
