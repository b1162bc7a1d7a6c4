// Bodies to and from PostgreSQL as hex text (encode/decode(..., 'hex')): bytes stay bytes. Pure.
#pragma once

#include <string>

namespace vce::sms {

inline std::string hex(const std::string &bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) out += digits[c >> 4], out += digits[c & 15];
    return out;
}

inline std::string unhex(const std::string &text) {
    auto val = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    std::string out;
    out.reserve(text.size() / 2);
    for (size_t i = 0; i + 1 < text.size(); i += 2)
        out += static_cast<char>(val(text[i]) << 4 | val(text[i + 1]));
    return out;
}

}  // namespace vce::sms
