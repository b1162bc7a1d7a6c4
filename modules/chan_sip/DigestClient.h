// chan_sip: the client side of SIP digest authentication (RFC 3261 §22.4, RFC 2617 qop=auth,
// RFC 8760 SHA-256): pick the challenge we can answer and compute the Authorization. Pure
// logic; the upstream registration feeds it. The password never leaves this function's
// arguments (it is not logged, not stored in the result but hashed).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vce::sip {

struct DigestChallenge {
    std::string realm, nonce, opaque, algorithm, qop;  // algorithm "MD5" or "SHA-256"
    bool stale = false;
    // From a WWW-/Proxy-Authenticate's parameters (name=value, quotes removed). algorithm is
    // upper-cased; absent means MD5.
    static DigestChallenge from_params(const std::map<std::string, std::string> &params);
    bool supported() const { return algorithm == "MD5" || algorithm == "SHA-256"; }
    bool offers_auth_qop() const;  // qop lists "auth" (auth-int is not supported)
};

// The best of several challenges (a server may offer SHA-256 and MD5 together): SHA-256 over
// MD5; nullptr when none is supported.
const DigestChallenge *best_challenge(const std::vector<DigestChallenge> &challenges);

// The Authorization (or Proxy-Authorization) value answering `c` for METHOD URI:
// `Digest username="..", realm="..", nonce="..", uri="..", response="..", algorithm=..,
// [qop=auth, nc=.., cnonce=".."], [opaque=".."]`. nc counts the uses of this nonce (from 1).
std::string digest_authorization(const DigestChallenge &c, const std::string &method,
                                 const std::string &uri, const std::string &user,
                                 const std::string &password, const std::string &cnonce,
                                 uint32_t nc);

}  // namespace vce::sip
