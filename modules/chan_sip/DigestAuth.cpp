// Digest authentication: nonce = issue time (hex) + signature of it with our secret.
#include "DigestAuth.h"

#include <cstdio>
#include <cstdlib>

#include "Hash.h"

namespace vce::sip {

const char *to_string(DigestVerdict v) {
    switch (v) {
        case DigestVerdict::Ok:
            return "ok";
        case DigestVerdict::Stale:
            return "stale nonce";
        case DigestVerdict::BadNonce:
            return "nonce not issued by us";
        case DigestVerdict::Replay:
            return "replayed nonce count";
        case DigestVerdict::WrongRealm:
            return "wrong realm";
        case DigestVerdict::UnknownAlgorithm:
            return "unknown algorithm";
        case DigestVerdict::BadResponse:
            return "wrong password";
    }
    return "?";
}

DigestResponse DigestResponse::from_params(const std::map<std::string, std::string> &p) {
    auto get = [&](const char *k) {
        auto it = p.find(k);
        return it == p.end() ? std::string() : it->second;
    };
    DigestResponse r;
    r.username = get("username");
    r.realm = get("realm");
    r.nonce = get("nonce");
    r.uri = get("uri");
    r.response = get("response");
    r.algorithm = get("algorithm");
    r.qop = get("qop");
    r.nc = get("nc");
    r.cnonce = get("cnonce");
    r.opaque = get("opaque");
    return r;
}

DigestAuth::DigestAuth(std::string realm, std::string secret, int ttl)
    : realm_(std::move(realm)), secret_(std::move(secret)), ttl_(ttl) {
    nobody_ = {md5_hex("nobody:" + secret_), sha256_hex("nobody:" + secret_)};
}

// Every nonce is unique (a counter beside the time), so two phones challenged in the same
// second never share one and their nonce counts cannot collide.
std::string DigestAuth::make_nonce(int64_t now) const {
    char ts[25];
    std::snprintf(ts, sizeof ts, "%016llx%08x", static_cast<unsigned long long>(now),
                  serial_.fetch_add(1));
    return std::string(ts) + sha256_hex(secret_ + ":" + ts + ":" + realm_).substr(0, 32);
}

bool DigestAuth::nonce_time(const std::string &nonce, int64_t &issued) const {
    if (nonce.size() != 56) return false;
    std::string ts = nonce.substr(0, 24);
    if (sha256_hex(secret_ + ":" + ts + ":" + realm_).substr(0, 32) != nonce.substr(24))
        return false;
    ts.resize(16);
    issued = static_cast<int64_t>(std::strtoull(ts.c_str(), nullptr, 16));
    return true;
}

std::string DigestAuth::challenge(const std::string &algorithm, int64_t now, bool stale) const {
    return "Digest realm=\"" + realm_ + "\", nonce=\"" + make_nonce(now) +
           "\", algorithm=" + algorithm + ", qop=\"auth\"" + (stale ? ", stale=true" : "");
}

DigestVerdict DigestAuth::verify(const DigestResponse &r, const std::string &method,
                                 const Credentials &c, int64_t now) {
    if (r.realm != realm_) return DigestVerdict::WrongRealm;
    bool sha = r.algorithm == "SHA-256";
    if (!sha && !r.algorithm.empty() && r.algorithm != "MD5")
        return DigestVerdict::UnknownAlgorithm;
    int64_t issued = 0;
    if (!nonce_time(r.nonce, issued)) return DigestVerdict::BadNonce;
    auto H = [sha](const std::string &s) { return sha ? sha256_hex(s) : md5_hex(s); };
    const std::string &ha1 = sha ? c.ha1_sha256 : c.ha1_md5;
    std::string ha2 = H(method + ":" + r.uri);
    std::string expect =
        r.qop.empty()
            ? H(ha1 + ":" + r.nonce + ":" + ha2)
            : H(ha1 + ":" + r.nonce + ":" + r.nc + ":" + r.cnonce + ":" + r.qop + ":" + ha2);
    if (ha1.empty() || expect != r.response) return DigestVerdict::BadResponse;
    if (now - issued > ttl_) return DigestVerdict::Stale;
    // Each (nonce, nc) is good once; without qop the nonce itself is single-use.
    uint32_t nc =
        r.qop.empty() ? 1 : static_cast<uint32_t>(std::strtoul(r.nc.c_str(), nullptr, 16));
    std::lock_guard<std::mutex> lock(mutex_);
    auto [it, fresh] = counts_.emplace(r.nonce, nc);
    if (!fresh) {
        if (nc <= it->second) return DigestVerdict::Replay;
        it->second = nc;
    }
    return DigestVerdict::Ok;
}

void DigestAuth::purge(int64_t now) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = counts_.begin(); it != counts_.end();) {
        int64_t issued = 0;
        if (!nonce_time(it->first, issued) || now - issued > ttl_)
            it = counts_.erase(it);
        else
            ++it;
    }
}

}  // namespace vce::sip
