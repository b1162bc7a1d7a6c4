// Unit tests for chan_sip's pure parts: hashes, digest authentication (MD5 and SHA-256,
// expiry, replay), the location store (terminal replacement, limits, expiry), flood guard.
#include <cppunit/extensions/HelperMacros.h>

#include "modules/chan_sip/DigestAuth.h"
#include "modules/chan_sip/FloodGuard.h"
#include "modules/chan_sip/Hash.h"
#include "modules/chan_sip/Location.h"

using namespace vce::sip;

class ChanSipTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanSipTest);
    CPPUNIT_TEST(hash_known_vectors);
    CPPUNIT_TEST(digest_md5_and_sha256_accepted);
    CPPUNIT_TEST(digest_wrong_password_refused);
    CPPUNIT_TEST(digest_replay_refused);
    CPPUNIT_TEST(digest_forged_and_stale_nonces);
    CPPUNIT_TEST(digest_unknown_user_answers_like_a_known_one);
    CPPUNIT_TEST(location_same_terminal_replaces);
    CPPUNIT_TEST(location_several_terminals_and_limit);
    CPPUNIT_TEST(location_expiry_and_remove);
    CPPUNIT_TEST(location_reachable_contact);
    CPPUNIT_TEST(flood_guard_limits_and_trusts);
    CPPUNIT_TEST_SUITE_END();

    static DigestResponse answer(DigestAuth &a, const std::string &alg, const std::string &user,
                                 const std::string &pw, const std::string &nonce,
                                 const std::string &nc) {
        auto H = [&](const std::string &s) {
            return alg == "SHA-256" ? sha256_hex(s) : md5_hex(s);
        };
        DigestResponse r;
        r.username = user;
        r.realm = a.realm();
        r.nonce = nonce;
        r.uri = "sip:vce";
        r.algorithm = alg;
        r.qop = "auth";
        r.nc = nc;
        r.cnonce = "abc";
        std::string ha1 = H(user + ":" + a.realm() + ":" + pw);
        r.response = H(ha1 + ":" + nonce + ":" + nc + ":abc:auth:" + H("REGISTER:sip:vce"));
        return r;
    }
    static Credentials creds(const std::string &user, const std::string &realm,
                             const std::string &pw) {
        return {md5_hex(user + ":" + realm + ":" + pw), sha256_hex(user + ":" + realm + ":" + pw)};
    }

public:
    void hash_known_vectors() {
        CPPUNIT_ASSERT_EQUAL(std::string("900150983cd24fb0d6963f7d28e17f72"), md5_hex("abc"));
        CPPUNIT_ASSERT_EQUAL(
            std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            sha256_hex("abc"));
        CPPUNIT_ASSERT_EQUAL(
            std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            sha256_hex(""));
        // 56 bytes: the padding spills into a second block.
        CPPUNIT_ASSERT_EQUAL(
            std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
    }
    void digest_md5_and_sha256_accepted() {
        DigestAuth a("vce", "secret");
        std::string n = a.make_nonce(1000);
        CPPUNIT_ASSERT(a.verify(answer(a, "MD5", "1000", "pw1000", n, "00000001"), "REGISTER",
                                creds("1000", "vce", "pw1000"), 1001) == DigestVerdict::Ok);
        CPPUNIT_ASSERT(a.verify(answer(a, "SHA-256", "1000", "pw1000", n, "00000002"), "REGISTER",
                                creds("1000", "vce", "pw1000"), 1001) == DigestVerdict::Ok);
        CPPUNIT_ASSERT(a.challenge("SHA-256", 5, false).find("algorithm=SHA-256") !=
                       std::string::npos);
    }
    void digest_wrong_password_refused() {
        DigestAuth a("vce", "secret");
        std::string n = a.make_nonce(1000);
        CPPUNIT_ASSERT(a.verify(answer(a, "MD5", "1000", "guess", n, "00000001"), "REGISTER",
                                creds("1000", "vce", "pw1000"),
                                1001) == DigestVerdict::BadResponse);
        DigestResponse r = answer(a, "MD5", "1000", "pw1000", n, "00000001");
        r.realm = "other";
        CPPUNIT_ASSERT(a.verify(r, "REGISTER", creds("1000", "vce", "pw1000"), 1001) ==
                       DigestVerdict::WrongRealm);
    }
    void digest_replay_refused() {
        DigestAuth a("vce", "secret");
        std::string n = a.make_nonce(1000);
        DigestResponse r = answer(a, "MD5", "1000", "pw1000", n, "00000001");
        CPPUNIT_ASSERT(a.verify(r, "REGISTER", creds("1000", "vce", "pw1000"), 1001) ==
                       DigestVerdict::Ok);
        CPPUNIT_ASSERT(a.verify(r, "REGISTER", creds("1000", "vce", "pw1000"), 1002) ==
                       DigestVerdict::Replay);
    }
    void digest_forged_and_stale_nonces() {
        DigestAuth a("vce", "secret", 300), other("vce", "another secret", 300);
        std::string forged = other.make_nonce(1000);
        CPPUNIT_ASSERT(a.verify(answer(a, "MD5", "1000", "pw1000", forged, "00000001"), "REGISTER",
                                creds("1000", "vce", "pw1000"), 1001) == DigestVerdict::BadNonce);
        std::string n = a.make_nonce(1000);
        CPPUNIT_ASSERT(a.verify(answer(a, "MD5", "1000", "pw1000", n, "00000001"), "REGISTER",
                                creds("1000", "vce", "pw1000"), 1400) == DigestVerdict::Stale);
    }
    // No enumeration: for each kind of answer, the verdict for a user name with no account is
    // the one a wrong password of an existing account gets.
    void digest_unknown_user_answers_like_a_known_one() {
        DigestAuth a("vce", "secret", 300), other("vce", "another secret", 300);
        const std::string n = a.make_nonce(1000), forged = other.make_nonce(1000);
        const struct {
            std::string nonce, algorithm, password;
            int64_t at;
        } rows[] = {{n, "MD5", "guess", 1001},        {n, "SHA-256", "guess", 1001},
                    {forged, "MD5", "guess", 1001},   {n, "MD5", "guess", 1400},
                    {n, "MD5", "pw1000", 1001},       {"short", "MD5", "guess", 1001},
                    {n, "SHA-512-256", "guess", 1001}};
        int nc = 1;
        for (const auto &r : rows) {
            char ncs[9];
            std::snprintf(ncs, sizeof ncs, "%08x", nc++);
            DigestResponse known = answer(a, r.algorithm, "1000", "wrong", r.nonce, ncs);
            DigestResponse unknown = answer(a, r.algorithm, "9999", r.password, r.nonce, ncs);
            const std::string what = r.nonce.substr(0, 8) + " " + r.algorithm + " " + r.password;
            CPPUNIT_ASSERT_EQUAL_MESSAGE(
                what,
                std::string(
                    to_string(a.verify(known, "REGISTER", creds("1000", "vce", "pw1000"), r.at))),
                std::string(to_string(a.verify_unknown(unknown, "REGISTER", r.at))));
        }
    }
    static Binding base(const std::string &aor, const std::string &received) {
        Binding b;
        b.aor = aor;
        b.received = received;
        b.transport = "udp";
        return b;
    }
    void location_same_terminal_replaces() {
        LocationStore s;
        s.apply(s.plan(base("1000", "10.0.0.1:5060"), {{"urn:uuid:1", "sip:1000@10.0.0.1", 3600}},
                       100, 0));
        // The phone's address changed: same terminal, new contact: still one binding.
        auto ch = s.plan(base("1000", "10.0.0.9:5060"), {{"urn:uuid:1", "sip:1000@10.0.0.9", 3600}},
                         200, 0);
        s.apply(ch);
        auto live = s.lookup("1000", 300);
        CPPUNIT_ASSERT_EQUAL(size_t(1), live.size());
        CPPUNIT_ASSERT_EQUAL(std::string("sip:1000@10.0.0.9"), live[0].contact);
        CPPUNIT_ASSERT_EQUAL(std::string("10.0.0.9:5060"), live[0].received);
    }
    void location_several_terminals_and_limit() {
        LocationStore s;
        s.apply(s.plan(base("1000", "a"), {{"t1", "sip:a", 3600}}, 100, 0));
        s.apply(s.plan(base("1000", "b"), {{"t2", "sip:b", 3600}}, 101, 0));
        CPPUNIT_ASSERT_EQUAL(size_t(2), s.lookup("1000", 102).size());  // both ring
        // With a limit of 2, a third terminal pushes out the oldest (t1).
        auto ch = s.plan(base("1000", "c"), {{"t3", "sip:c", 3600}}, 102, 2);
        bool removes_t1 = false;
        for (auto &c : ch)
            removes_t1 |= c.kind == LocationChange::Remove && c.binding.terminal_id == "t1";
        CPPUNIT_ASSERT(removes_t1);
        s.apply(ch);
        auto live = s.lookup("1000", 103);
        CPPUNIT_ASSERT_EQUAL(size_t(2), live.size());
        CPPUNIT_ASSERT_EQUAL(std::string("t3"), live[0].terminal_id);
    }
    // What a 302 in redirect mode names: the contact, or behind NAT its user at the source.
    void location_reachable_contact() {
        const struct {
            const char *contact, *received, *transport, *expected;
        } rows[] = {
            {"sip:kim@127.0.0.1:5070", "127.0.0.1:5070", "udp", "sip:kim@127.0.0.1:5070"},
            {"sip:kim@127.0.0.1:5070", "", "udp", "sip:kim@127.0.0.1:5070"},
            {"sip:kim@127.0.0.1:5070", "127.0.0.1:41000", "udp", "sip:kim@127.0.0.1:5070"},
            {"sip:kim@192.168.1.20:5060;transport=udp", "203.0.113.7:41000", "udp",
             "sip:kim@203.0.113.7:41000"},
            {"sip:kim@10.0.0.2:5060", "203.0.113.7:41000", "tcp",
             "sip:kim@203.0.113.7:41000;transport=tcp"},
            {"sip:10.0.0.2:5060", "203.0.113.7:41000", "udp", "sip:203.0.113.7:41000"},
        };
        for (const auto &r : rows) {
            vce::sip::Binding b;
            b.contact = r.contact;
            b.received = r.received;
            b.transport = r.transport;
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.contact, std::string(r.expected),
                                         vce::sip::reachable_contact(b));
        }
    }

    void location_expiry_and_remove() {
        LocationStore s;
        s.apply(s.plan(base("1000", "a"), {{"t1", "sip:a", 60}}, 100, 0));
        s.apply(s.plan(base("2000", "b"), {{"t2", "sip:b", 3600}}, 100, 0));
        CPPUNIT_ASSERT(s.lookup("1000", 161).empty());
        auto gone = s.expire(161);
        CPPUNIT_ASSERT_EQUAL(size_t(1), gone.size());
        CPPUNIT_ASSERT_EQUAL(std::string("1000"), gone[0].aor);
        s.apply(s.plan(base("2000", "b"), {{"t2", "sip:b", 0}}, 170, 0));  // Expires: 0
        CPPUNIT_ASSERT_EQUAL(size_t(0), s.binding_count());
        s.apply(s.plan(base("3000", "c"), {{"t3", "sip:c", 60}, {"t4", "sip:d", 60}}, 170, 0));
        s.apply(s.plan_remove_all("3000"));  // Contact: *
        CPPUNIT_ASSERT(s.lookup("3000", 171).empty());
    }
    void flood_guard_limits_and_trusts() {
        FloodGuard g(10, 20);
        g.trust("127.0.0.9");
        int allowed = 0;
        bool first = false, saw_first = false;
        for (int i = 0; i < 100; ++i) {
            allowed += g.allow("192.0.2.1", 0.0, &first);
            saw_first |= first;
        }
        CPPUNIT_ASSERT_EQUAL(20, allowed);  // the burst, then nothing
        CPPUNIT_ASSERT(saw_first);
        CPPUNIT_ASSERT(g.allow("192.0.2.1", 1.0));  // refilled at 10/s
        for (int i = 0; i < 100; ++i) CPPUNIT_ASSERT(g.allow("127.0.0.9", 0.0));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanSipTest);
