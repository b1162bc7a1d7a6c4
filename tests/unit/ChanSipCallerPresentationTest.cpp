// chan_sip's caller presentation: which number, which P-Asserted-Identity and whether an
// anonymous From the far end of a forwarded INVITE gets (caller_view, from a table), and the
// rewrite of a parsed INVITE (present_caller).
#include <cppunit/extensions/HelperMacros.h>

#include <cstring>

#include "ParsedSip.h"
#include "modules/chan_sip/CallerPresentation.h"

using namespace vce::sip;

namespace {
std::string invite(const std::string &extra) {
    return "INVITE sip:+827012345678@10.0.0.1 SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 10.0.0.9:5062;branch=z9hG4bK1\r\n"
           "From: \"Kim\" <sip:0262006200082@vce.test>;tag=abc\r\n"
           "To: <sip:+827012345678@vce.test>\r\n"
           "Call-ID: cp-1@10.0.0.9\r\nCSeq: 1 INVITE\r\n"
           "Contact: <sip:0262006200082@10.0.0.9:5062>\r\n" +
           extra + "Content-Length: 0\r\n\r\n";
}
}  // namespace

class ChanSipCallerPresentationTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanSipCallerPresentationTest);
    CPPUNIT_TEST(viewsFromFacts);
    CPPUNIT_TEST(privacyValues);
    CPPUNIT_TEST(memberToATrustedPeer);
    CPPUNIT_TEST(forgedIdentityIsRemoved);
    CPPUNIT_TEST(anonymousKeepsTheTag);
    CPPUNIT_TEST_SUITE_END();

public:
    void viewsFromFacts() {
        struct Row {
            bool privacy, member;
            const char *number;
            bool source_asserted, to_peer, peer_asserted;
            // expected
            bool anonymous;
            const char *from_user, *asserted;
            bool keep;
        } rows[] = {
            // a member to a carrier that is not in our trust domain: its number in form, no PAI
            {false, true, "+82262006200", false, true, false, false, "+82262006200", "", false},
            // to a trusted peer: PAI with the same number
            {false, true, "0262006200", false, true, true, false, "0262006200", "0262006200",
             false},
            // privacy: From anonymous; the trusted peer still gets who it is
            {true, true, "0262006200", false, true, true, true, "", "0262006200", false},
            {true, true, "0262006200", false, true, false, true, "", "", false},
            // a member to a member's phone: From as it is
            {false, true, "+82262006200", false, false, false, false, "", "", false},
            // a trusted peer's call on to a trusted peer: its PAI passed on, its From as is
            {false, false, "", true, true, true, false, "", "", true},
            // an untrusted peer's (or stranger's) PAI never goes on
            {false, false, "", false, true, true, false, "", "", false},
            // a member whose number has no PSTN form (a branch): From as is, no PAI
            {false, true, "", false, true, true, false, "", "", false},
        };
        int i = 0;
        for (const Row &r : rows) {
            CallerFacts f;
            f.privacy = r.privacy, f.member = r.member, f.number_in_form = r.number;
            f.source_asserted = r.source_asserted, f.to_peer = r.to_peer;
            f.peer_asserted = r.peer_asserted;
            const CallerView v = caller_view(f);
            const std::string what = "row " + std::to_string(i++);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, r.anonymous, v.anonymous);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string(r.from_user), v.from_user);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string(r.asserted), v.asserted);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, r.keep, v.keep_received);
        }
    }
    void privacyValues() {
        struct Row {
            const char *header;
            bool hidden;
        } rows[] = {{"", false},
                    {"Privacy: none\r\n", false},
                    {"Privacy: id\r\n", true},
                    {"Privacy: user;critical\r\n", true},
                    {"Privacy: header\r\n", true},
                    {"Privacy: session\r\n", false}};
        for (const Row &r : rows) {
            ParsedSip m(invite(r.header));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.header, r.hidden, privacy_requested(m.sip()));
        }
    }
    void memberToATrustedPeer() {
        ParsedSip m(
            invite("P-Asserted-Identity: <sip:forged@evil.example>\r\n"
                   "P-Preferred-Identity: <sip:me@vce.test>\r\n"));
        CallerView v;
        v.from_user = "0262006200";
        v.asserted = "0262006200";
        present_caller(m.msg, m.sip(), v, "vce.test");
        const std::string t = m.text();
        CPPUNIT_ASSERT_MESSAGE(t, t.find("forged") == std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(t, t.find("P-Preferred-Identity") == std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(
            t, t.find("P-Asserted-Identity: <sip:0262006200@vce.test;user=phone>") !=
                   std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(t, t.find("<sip:0262006200@vce.test>;tag=abc") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(t, t.find("\"Kim\"") != std::string::npos);
    }
    void forgedIdentityIsRemoved() {
        ParsedSip m(
            invite("P-Asserted-Identity: <sip:+82212345678@vce.test>\r\n"
                   "P-Asserted-Identity: tel:+82212345678\r\n"));
        present_caller(m.msg, m.sip(), CallerView(), "vce.test");
        const std::string t = m.text();
        CPPUNIT_ASSERT_MESSAGE(t, t.find("P-Asserted-Identity") == std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(t,
                               t.find("<sip:0262006200082@vce.test>;tag=abc") != std::string::npos);
        // A trusted peer's own is kept.
        ParsedSip k(invite("P-Asserted-Identity: <sip:+82212345678@peer.example>\r\n"));
        CallerView keep;
        keep.keep_received = true;
        present_caller(k.msg, k.sip(), keep, "vce.test");
        CPPUNIT_ASSERT(k.text().find("P-Asserted-Identity: <sip:+82212345678@peer.example>") !=
                       std::string::npos);
    }
    void anonymousKeepsTheTag() {
        ParsedSip m(invite("Privacy: id\r\n"));
        CallerView v;
        v.anonymous = true;
        present_caller(m.msg, m.sip(), v, "vce.test");
        const std::string t = m.text();
        CPPUNIT_ASSERT_MESSAGE(
            t, t.find("From: \"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=abc") !=
                   std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(t, t.find("0262006200082@vce.test>;tag") == std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanSipCallerPresentationTest);
