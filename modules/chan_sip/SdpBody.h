// The SDP body of a SIP message: read it, and replace it with the media relay's rewrite.
#pragma once

#include <sofia-sip/sip.h>

#include <string>

namespace vce::sip {

// The body when it is application/sdp; "" otherwise.
std::string sdp_body(sip_t const *sip);
// Replaces the body (and its Content-Length) of a message we forward; false if sofia refused.
bool set_sdp_body(msg_t *msg, const std::string &sdp);
// A reason for a Warning header: printable, no double quotes, at most 120 characters.
std::string warning_text(const std::string &reason);

}  // namespace vce::sip
