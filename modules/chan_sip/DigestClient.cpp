// chan_sip: answering digest challenges (see DigestClient.h).
#include "DigestClient.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "Hash.h"

namespace vce::sip {

namespace {
std::string upper(std::string s) {
    for (char &c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}
std::string get(const std::map<std::string, std::string> &p, const char *k) {
    auto it = p.find(k);
    return it == p.end() ? "" : it->second;
}
}  // namespace

DigestChallenge DigestChallenge::from_params(const std::map<std::string, std::string> &p) {
    DigestChallenge c;
    c.realm = get(p, "realm");
    c.nonce = get(p, "nonce");
    c.opaque = get(p, "opaque");
    c.qop = get(p, "qop");
    c.algorithm = upper(get(p, "algorithm"));
    if (c.algorithm.empty()) c.algorithm = "MD5";
    std::string stale = get(p, "stale");
    std::transform(stale.begin(), stale.end(), stale.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    c.stale = stale == "true";
    return c;
}

bool DigestChallenge::offers_auth_qop() const {
    std::size_t i = 0;
    while (i < qop.size()) {
        std::size_t j = qop.find(',', i);
        if (j == std::string::npos) j = qop.size();
        std::string item = qop.substr(i, j - i);
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (item == "auth") return true;
        i = j + 1;
    }
    return false;
}

const DigestChallenge *best_challenge(const std::vector<DigestChallenge> &challenges) {
    const DigestChallenge *best = nullptr;
    for (const DigestChallenge &c : challenges) {
        if (!c.supported() || c.nonce.empty()) continue;
        if (!best || (c.algorithm == "SHA-256" && best->algorithm != "SHA-256")) best = &c;
    }
    return best;
}

std::string digest_authorization(const DigestChallenge &c, const std::string &method,
                                 const std::string &uri, const std::string &user,
                                 const std::string &password, const std::string &cnonce,
                                 uint32_t nc) {
    const bool sha = c.algorithm == "SHA-256";
    auto H = [sha](const std::string &s) { return sha ? sha256_hex(s) : md5_hex(s); };
    const std::string ha1 = H(user + ":" + c.realm + ":" + password);
    const std::string ha2 = H(method + ":" + uri);
    const bool qop = c.offers_auth_qop();
    char ncs[9];
    std::snprintf(ncs, sizeof ncs, "%08x", nc);
    const std::string response =
        qop ? H(ha1 + ":" + c.nonce + ":" + ncs + ":" + cnonce + ":auth:" + ha2)
            : H(ha1 + ":" + c.nonce + ":" + ha2);
    std::string out = "Digest username=\"" + user + "\", realm=\"" + c.realm + "\", nonce=\"" +
                      c.nonce + "\", uri=\"" + uri + "\", response=\"" + response +
                      "\", algorithm=" + c.algorithm;
    if (qop) out += ", qop=auth, nc=" + std::string(ncs) + ", cnonce=\"" + cnonce + "\"";
    if (!c.opaque.empty()) out += ", opaque=\"" + c.opaque + "\"";
    return out;
}

}  // namespace vce::sip
