// SDES (RFC 4568) `a=crypto` attributes: parse, produce and choose a supported one. Pure.
#include "daemon/media/SdpCrypto.h"

#include <sstream>

namespace vce::media {
namespace {

const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64Value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

}  // namespace

std::string base64Encode(const std::vector<uint8_t> &d) {
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < d.size(); i += 3) {
        const uint32_t v = (uint32_t(d[i]) << 16) | (uint32_t(d[i + 1]) << 8) | d[i + 2];
        for (int s = 18; s >= 0; s -= 6) out += kB64[(v >> s) & 63];
    }
    if (i + 1 == d.size()) {
        const uint32_t v = uint32_t(d[i]) << 16;
        out += kB64[(v >> 18) & 63];
        out += kB64[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == d.size()) {
        const uint32_t v = (uint32_t(d[i]) << 16) | (uint32_t(d[i + 1]) << 8);
        out += kB64[(v >> 18) & 63];
        out += kB64[(v >> 12) & 63];
        out += kB64[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

std::optional<std::vector<uint8_t>> base64Decode(const std::string &t) {
    std::string s = t;
    while (!s.empty() && s.back() == '=') s.pop_back();
    if (t.size() % 4 != 0 || t.size() - s.size() > 2) return std::nullopt;
    std::vector<uint8_t> out;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : s) {
        const int v = b64Value(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<uint8_t>(acc >> bits));
        }
    }
    return out;
}

CryptoParseResult parseCryptoAttribute(const std::string &line) {
    CryptoParseResult r;
    std::string v = line;
    while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.pop_back();
    if (v.rfind("a=", 0) == 0) v.erase(0, 2);
    if (v.rfind("crypto:", 0) == 0) v.erase(0, 7);
    std::istringstream in(v);
    std::string tag, suite, params;
    if (!(in >> tag >> suite >> params)) {
        r.error = "crypto attribute '" + line + "': expected '<tag> <suite> inline:<key>'";
        return r;
    }
    CryptoAttribute a;
    try {
        std::size_t used = 0;
        a.tag = std::stoi(tag, &used);
        if (used != tag.size() || a.tag < 0 || a.tag > 999999999) throw std::invalid_argument(tag);
    } catch (const std::exception &) {
        r.error =
            "crypto attribute '" + line + "': tag '" + tag + "' is not a number of 1-9 digits";
        return r;
    }
    a.suiteName = suite;
    a.suite = parseSrtpSuite(suite);
    if (params.rfind("inline:", 0) != 0) {
        r.error = "crypto attribute '" + line + "': key parameters must start with 'inline:'";
        return r;
    }
    params.erase(0, 7);
    // Only the first key; further ";inline:" keys are ignored.
    params = params.substr(0, params.find(';'));
    const std::size_t bar = params.find('|');
    const std::string key = params.substr(0, bar);
    if (bar != std::string::npos) {
        std::string rest = params.substr(bar + 1);
        const std::size_t bar2 = rest.find('|');
        std::string first = rest.substr(0, bar2);
        if (first.find(':') != std::string::npos) {
            a.mki = first;
        } else {
            a.lifetime = first;
            if (bar2 != std::string::npos) a.mki = rest.substr(bar2 + 1);
        }
    }
    auto decoded = base64Decode(key);
    if (a.suite) {
        if (!decoded || decoded->size() != kSrtpMasterKeyLen) {
            r.error = "crypto attribute '" + line + "': " + suite +
                      " needs a base64 key of 30 bytes (40 characters), got '" + key + "'";
            return r;
        }
        if (!a.mki.empty()) {
            r.error = "crypto attribute '" + line + "': MKI is not supported";
            return r;
        }
    }
    if (decoded) a.key = std::move(*decoded);
    r.attribute = std::move(a);
    return r;
}

std::string formatCryptoAttribute(const CryptoAttribute &a) {
    std::string s = "a=crypto:" + std::to_string(a.tag) + " " +
                    (a.suite ? std::string(srtpSuiteName(*a.suite)) : a.suiteName) +
                    " inline:" + base64Encode(a.key);
    if (!a.lifetime.empty()) s += "|" + a.lifetime;
    return s;
}

CryptoChoice chooseCrypto(const std::vector<CryptoAttribute> &offered) {
    CryptoChoice c;
    std::string names;
    for (const auto &a : offered) {
        if (a.suite) {
            c.chosen = a;
            return c;
        }
        names += (names.empty() ? "" : ", ") + a.suiteName;
    }
    c.error = offered.empty()
                  ? "no a=crypto attribute offered"
                  : "no supported SRTP crypto suite offered (we support AES_CM_128_HMAC_SHA1_80 "
                    "and AES_CM_128_HMAC_SHA1_32; offered: " +
                        names + ")";
    return c;
}

}  // namespace vce::media
