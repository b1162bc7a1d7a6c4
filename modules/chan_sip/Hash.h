// MD5 and SHA-256 as lower-case hex, for SIP digest authentication (RFC 2617, RFC 8760).
#pragma once

#include <string>
#include <string_view>

namespace vce::sip {

std::string md5_hex(std::string_view data);
std::string sha256_hex(std::string_view data);

}  // namespace vce::sip
