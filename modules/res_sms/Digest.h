// The digest a framed terminal answers a CHALLENGE with (as SIP's, RFC 2617 without qop), so
// no password crosses the wire. Pure.
#pragma once

#include <string>

namespace vce::sms {

// HA1 = MD5(number ":" realm ":" password): the same as the account's SIP ha1_md5.
std::string digest_ha1(const std::string &number, const std::string &realm,
                       const std::string &password);
// MD5(HA1 ":" nonce ":" MD5("REGISTER:vsms:" number)), lower-case hex.
std::string digest_response(const std::string &ha1, const std::string &nonce,
                            const std::string &number);

}  // namespace vce::sms
