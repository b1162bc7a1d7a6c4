// chan_sip's DigestClient: the published vectors of RFC 2617 (MD5) and RFC 7616 (SHA-256),
// the choice among challenges, and answers that our own DigestAuth (the registrar's side)
// accepts or refuses.
#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <string>

#include "modules/chan_sip/DigestAuth.h"
#include "modules/chan_sip/DigestClient.h"
#include "modules/chan_sip/Hash.h"

using namespace vce::sip;

namespace {

// name=value pairs of an Authorization value (quotes removed), as the registrar parses them.
std::map<std::string, std::string> params(const std::string &auth) {
    std::map<std::string, std::string> out;
    std::size_t i = auth.find(' ') + 1;
    while (i < auth.size()) {
        const std::size_t eq = auth.find('=', i);
        std::string name = auth.substr(i, eq - i), value;
        std::size_t end;
        if (auth[eq + 1] == '"') {
            end = auth.find('"', eq + 2);
            value = auth.substr(eq + 2, end - eq - 2);
            ++end;
        } else {
            end = auth.find(',', eq);
            if (end == std::string::npos) end = auth.size();
            value = auth.substr(eq + 1, end - eq - 1);
        }
        out[name] = value;
        i = auth.find_first_not_of(", ", end);
        if (i == std::string::npos) break;
    }
    return out;
}

DigestChallenge challenge(const std::string &realm, const std::string &nonce,
                          const std::string &algorithm, const std::string &qop = "auth") {
    return DigestChallenge::from_params(
        {{"realm", realm}, {"nonce", nonce}, {"algorithm", algorithm}, {"qop", qop}});
}

}  // namespace

class ChanSipDigestClientTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanSipDigestClientTest);
    CPPUNIT_TEST(rfc2617_md5_vector);
    CPPUNIT_TEST(rfc7616_sha256_and_md5_vectors);
    CPPUNIT_TEST(without_qop);
    CPPUNIT_TEST(parsing_the_challenge);
    CPPUNIT_TEST(best_of_several_challenges);
    CPPUNIT_TEST(our_registrar_accepts_the_answer);
    CPPUNIT_TEST_SUITE_END();

public:
    void rfc2617_md5_vector() {
        DigestChallenge c = challenge("testrealm@host.com", "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                                      "", "auth,auth-int");
        c.opaque = "5ccc069c403ebaf9f0171e9517f40e41";
        const auto p = params(digest_authorization(c, "GET", "/dir/index.html", "Mufasa",
                                                   "Circle Of Life", "0a4f113b", 1));
        CPPUNIT_ASSERT_EQUAL(std::string("6629fae49393a05397450978507c4ef1"), p.at("response"));
        CPPUNIT_ASSERT_EQUAL(std::string("00000001"), p.at("nc"));
        CPPUNIT_ASSERT_EQUAL(std::string("auth"), p.at("qop"));
        CPPUNIT_ASSERT_EQUAL(std::string("MD5"), p.at("algorithm"));
        CPPUNIT_ASSERT_EQUAL(c.opaque, p.at("opaque"));
        CPPUNIT_ASSERT_EQUAL(std::string("Mufasa"), p.at("username"));
    }

    void rfc7616_sha256_and_md5_vectors() {
        const std::string nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
                          cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        auto sha =
            params(digest_authorization(challenge("http-auth@example.org", nonce, "SHA-256"), "GET",
                                        "/dir/index.html", "Mufasa", "Circle of Life", cnonce, 1));
        CPPUNIT_ASSERT_EQUAL(
            std::string("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
            sha.at("response"));
        auto md5 =
            params(digest_authorization(challenge("http-auth@example.org", nonce, "MD5"), "GET",
                                        "/dir/index.html", "Mufasa", "Circle of Life", cnonce, 1));
        CPPUNIT_ASSERT_EQUAL(std::string("8ca523f5e9506fed4657c9700eebdbec"), md5.at("response"));
    }

    void without_qop() {
        // RFC 2069 style: H(HA1:nonce:HA2), no nc or cnonce sent.
        const auto p = params(digest_authorization(challenge("r", "n", "MD5", ""), "REGISTER",
                                                   "sip:vce.example", "u", "p", "c", 1));
        const std::string ha1 = md5_hex("u:r:p"), ha2 = md5_hex("REGISTER:sip:vce.example");
        CPPUNIT_ASSERT_EQUAL(md5_hex(ha1 + ":n:" + ha2), p.at("response"));
        CPPUNIT_ASSERT(!p.count("nc") && !p.count("cnonce") && !p.count("qop"));
    }

    void parsing_the_challenge() {
        auto c =
            DigestChallenge::from_params({{"realm", "vce"}, {"nonce", "x"}, {"stale", "TRUE"}});
        CPPUNIT_ASSERT_EQUAL(std::string("MD5"), c.algorithm);  // absent: MD5
        CPPUNIT_ASSERT(c.stale);
        CPPUNIT_ASSERT(!c.offers_auth_qop());
        c = DigestChallenge::from_params(
            {{"nonce", "x"}, {"algorithm", "sha-256"}, {"qop", "auth-int, auth"}});
        CPPUNIT_ASSERT_EQUAL(std::string("SHA-256"), c.algorithm);
        CPPUNIT_ASSERT(c.offers_auth_qop());
        CPPUNIT_ASSERT(!c.stale);
        CPPUNIT_ASSERT(
            !DigestChallenge::from_params({{"nonce", "x"}, {"qop", "auth-int"}}).offers_auth_qop());
        CPPUNIT_ASSERT(!DigestChallenge::from_params({{"nonce", "x"}, {"algorithm", "SHA-512-256"}})
                            .supported());
    }

    void best_of_several_challenges() {
        const std::vector<DigestChallenge> both = {challenge("r", "n1", "MD5"),
                                                   challenge("r", "n2", "SHA-256")};
        CPPUNIT_ASSERT_EQUAL(std::string("SHA-256"), best_challenge(both)->algorithm);
        const std::vector<DigestChallenge> md5 = {challenge("r", "n1", "SHA-512-256"),
                                                  challenge("r", "n2", "MD5")};
        CPPUNIT_ASSERT_EQUAL(std::string("n2"), best_challenge(md5)->nonce);
        const std::vector<DigestChallenge> none = {challenge("r", "n1", "SHA-512-256"),
                                                   challenge("r", "", "MD5")};
        CPPUNIT_ASSERT(best_challenge(none) == nullptr);
        CPPUNIT_ASSERT(best_challenge({}) == nullptr);
    }

    void our_registrar_accepts_the_answer() {
        DigestAuth server("vce.local", "secret");
        const Credentials creds{md5_hex("025551234082:vce.local:demo-pass-lee"),
                                sha256_hex("025551234082:vce.local:demo-pass-lee")};
        for (const char *alg : {"MD5", "SHA-256"}) {
            const std::string nonce = server.make_nonce(1000);
            const DigestChallenge c = challenge("vce.local", nonce, alg);
            auto answer = [&](const std::string &password, uint32_t nc) {
                return DigestResponse::from_params(params(digest_authorization(
                    c, "REGISTER", "sip:vce.local", "025551234082", password, "0a4f113b", nc)));
            };
            CPPUNIT_ASSERT_EQUAL_MESSAGE(
                alg, std::string("ok"),
                std::string(
                    to_string(server.verify(answer("demo-pass-lee", 1), "REGISTER", creds, 1001))));
            // The next use of the nonce counts up; the same count again is a replay.
            CPPUNIT_ASSERT_EQUAL_MESSAGE(
                alg, std::string("ok"),
                std::string(
                    to_string(server.verify(answer("demo-pass-lee", 2), "REGISTER", creds, 1002))));
            CPPUNIT_ASSERT(server.verify(answer("demo-pass-lee", 2), "REGISTER", creds, 1003) ==
                           DigestVerdict::Replay);
            CPPUNIT_ASSERT(server.verify(answer("wrong", 3), "REGISTER", creds, 1003) ==
                           DigestVerdict::BadResponse);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanSipDigestClientTest);
