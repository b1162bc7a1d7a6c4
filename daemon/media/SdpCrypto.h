// SDES (RFC 4568) `a=crypto` attributes: parse, produce and choose a supported one. Pure.
// Errors: returned in the result's `error` with the offending text quoted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/media/SrtpContext.h"

namespace vce::media {

struct CryptoAttribute {
    int tag = 1;
    std::string suiteName;           // as written, e.g. "AES_CM_128_HMAC_SHA1_80"
    std::optional<SrtpSuite> suite;  // set when we support the suite
    std::vector<uint8_t> key;        // master key + salt (30 bytes for the AES_CM suites)
    std::string lifetime, mki;       // optional key-params parts, kept as written
};

struct CryptoParseResult {
    std::optional<CryptoAttribute> attribute;
    std::string error;
};

// Accepts "a=crypto:...", "crypto:..." or the bare value "1 AES_CM_128_HMAC_SHA1_80 inline:...".
// An unknown suite parses (suite unset); a malformed line or a bad key of a known suite fails.
CryptoParseResult parseCryptoAttribute(const std::string &line);
// "a=crypto:<tag> <suite> inline:<base64 key>" (no CRLF).
std::string formatCryptoAttribute(const CryptoAttribute &a);

struct CryptoChoice {
    std::optional<CryptoAttribute> chosen;  // the first offered attribute we support
    std::string error;                      // why none was chosen (lists what was offered)
};
CryptoChoice chooseCrypto(const std::vector<CryptoAttribute> &offered);

std::string base64Encode(const std::vector<uint8_t> &data);
std::optional<std::vector<uint8_t>> base64Decode(const std::string &text);

}  // namespace vce::media
