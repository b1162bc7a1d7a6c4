// SIP digest authentication (RFC 3261 §22, RFC 2617 qop=auth, RFC 8760 SHA-256): stateless
// expiring nonces signed with a secret, and nonce-count tracking so a replayed
// Authorization is refused. Pure logic; the registrar and proxy feed it.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace vce::sip {

struct Credentials {
    std::string ha1_md5;     // hex MD5(user:realm:password)
    std::string ha1_sha256;  // hex SHA-256(user:realm:password)
};

// The parameters of one Authorization / Proxy-Authorization header.
struct DigestResponse {
    std::string username, realm, nonce, uri, response, algorithm, qop, nc, cnonce, opaque;
    // Parses `Digest username="..", ...` parameters as name=value (quotes removed).
    static DigestResponse from_params(const std::map<std::string, std::string> &params);
};

enum class DigestVerdict {
    Ok,
    Stale,     // nonce expired: challenge again with stale=true
    BadNonce,  // not one of ours (forged or from before a restart with another secret)
    Replay,    // nonce count not increasing
    WrongRealm,
    UnknownAlgorithm,
    BadResponse,  // wrong password
};
const char *to_string(DigestVerdict v);

class DigestAuth {
public:
    DigestAuth(std::string realm, std::string secret, int nonce_ttl_seconds = 300);

    // A fresh nonce for a challenge at time `now` (seconds).
    std::string make_nonce(int64_t now) const;
    // The challenge header values: MD5 and SHA-256 offered together (SHA-256 first).
    std::string challenge(const std::string &algorithm, int64_t now, bool stale) const;

    DigestVerdict verify(const DigestResponse &r, const std::string &method,
                         const Credentials &creds, int64_t now);
    // verify() for a user name with no (enabled) account: the same checks in the same order
    // against credentials no password matches, so that a forged nonce is challenged again
    // and anything else refused exactly as for an account that exists (no enumeration).
    DigestVerdict verify_unknown(const DigestResponse &r, const std::string &method, int64_t now) {
        return verify(r, method, nobody_, now);
    }
    // Forget nonce counts of expired nonces.
    void purge(int64_t now);
    const std::string &realm() const { return realm_; }

private:
    bool nonce_time(const std::string &nonce, int64_t &issued) const;
    std::string realm_, secret_;
    int ttl_;
    Credentials nobody_;  // HA1s of no password: derived from the secret
    mutable std::atomic<uint32_t> serial_{0};
    std::mutex mutex_;  // counts_: the SIP threads share one DigestAuth
    std::unordered_map<std::string, uint32_t> counts_;  // nonce -> highest nc seen
};

}  // namespace vce::sip
