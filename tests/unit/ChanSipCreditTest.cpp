// chan_sip's paid call time (CallCredit: call_authorize's row, when to ask for more and when
// to end the call) and the dialog a proxy keeps to end a call itself (ProxiedDialog).
#include <cppunit/extensions/HelperMacros.h>

#include <cstring>

#include "ParsedSip.h"
#include "modules/chan_sip/CallCredit.h"
#include "modules/chan_sip/ProxiedDialog.h"

using namespace vce::sip;

namespace {
const char *const kInvite =
    "INVITE sip:+82212345678@10.0.0.1 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.9:5062;branch=z9hG4bK1\r\n"
    "Record-Route: <sip:10.0.0.8;lr>\r\n"
    "From: <sip:0262006200082@vce.test>;tag=caller1\r\n"
    "To: <sip:+82212345678@vce.test>\r\n"
    "Call-ID: credit-1@10.0.0.9\r\n"
    "CSeq: 7 INVITE\r\n"
    "Contact: <sip:0262006200082@192.168.1.5:5062>\r\n"
    "Max-Forwards: 70\r\n"
    "Content-Length: 0\r\n\r\n";

// The 2xx as it comes back: the carrier's proxy (10.0.0.3) above us (10.0.0.1), the caller's
// outbound proxy (10.0.0.8) below.
const char *const kAnswer =
    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK2\r\n"
    "Via: SIP/2.0/UDP 10.0.0.9:5062;branch=z9hG4bK1\r\n"
    "Record-Route: <sip:10.0.0.4;lr>, <sip:10.0.0.3;lr>\r\n"
    "Record-Route: <sip:10.0.0.1:5060;lr>, <sip:10.0.0.8;lr>\r\n"
    "From: <sip:0262006200082@vce.test>;tag=caller1\r\n"
    "To: <sip:+82212345678@vce.test>;tag=callee9\r\n"
    "Call-ID: credit-1@10.0.0.9\r\n"
    "CSeq: 7 INVITE\r\n"
    "Contact: <sip:gw@10.0.0.5:5070>\r\n"
    "Content-Length: 0\r\n\r\n";

bool ours(const url_t *u) {
    return u && u->url_host && std::strcmp(u->url_host, "10.0.0.1") == 0;
}
}  // namespace

class ChanSipCreditTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanSipCreditTest);
    CPPUNIT_TEST(rowsOfCallAuthorize);
    CPPUNIT_TEST(stepsOfAGrant);
    CPPUNIT_TEST(dialogFromInviteAndAnswer);
    CPPUNIT_TEST(dialogNeedsTags);
    CPPUNIT_TEST(cseqOfEachParty);
    CPPUNIT_TEST_SUITE_END();

public:
    void rowsOfCallAuthorize() {
        struct Row {
            const char *verdict, *reason, *seconds, *final;
            bool limited;
            int secs;
            bool is_final;
            const char *refusal;
        } rows[] = {
            {"allow", "", "", "f", false, 0, false, ""},  // no limit
            {"allow", "", "120", "t", true, 120, true, ""},
            {"allow", "", "600", "f", true, 600, false, ""},
            {"refuse", "insufficient-balance", "", "t", false, 0, false, "insufficient-balance"},
            {"refuse", "", "", "t", false, 0, false, "refused"},
            {"maybe", "", "", "", false, 0, false, "unknown verdict 'maybe'"},
            {"allow", "", "12x", "t", false, 0, false, "bad seconds '12x'"},
            {"allow", "", "-5", "t", false, 0, false, "bad seconds '-5'"},
        };
        for (const Row &r : rows) {
            std::string refusal = "stale";
            CreditGrant g = CreditGrant::from_row(r.verdict, r.reason, r.seconds, r.final, refusal);
            const std::string what = std::string(r.verdict) + "/" + r.seconds;
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string(r.refusal), refusal);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, r.limited, g.limited);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, r.secs, g.seconds);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, r.is_final, g.final);
        }
    }
    void stepsOfAGrant() {
        struct Row {
            int seconds;
            bool final;
            CreditStep::Kind kind;
            double at;  // after an answer at 1000
        } rows[] = {
            {120, true, CreditStep::Cut, 1119},  // the last paid second is not begun
            {600, false, CreditStep::Ask, 1580},
            {30, false, CreditStep::Ask, 1020},  // a third of a short grant before its end
            {1, true, CreditStep::Cut, 1000.5},
            {0, true, CreditStep::Cut, 1000},
        };
        for (const Row &r : rows) {
            CreditGrant g;
            g.limited = true;
            g.seconds = r.seconds;
            g.final = r.final;
            const CreditStep s = credit_next_step(1000, g);
            const std::string what = std::to_string(r.seconds) + (r.final ? " final" : "");
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, static_cast<int>(r.kind), static_cast<int>(s.kind));
            CPPUNIT_ASSERT_DOUBLES_EQUAL_MESSAGE(what, r.at, s.at, 0.001);
        }
    }
    void dialogFromInviteAndAnswer() {
        ParsedSip inv(kInvite), ok(kAnswer);
        ProxiedDialog d;
        CPPUNIT_ASSERT(d.build(inv.sip(), ok.sip(), ours, "sip:203.0.113.9:40000", "sip:10.0.0.3"));
        CPPUNIT_ASSERT_EQUAL(std::string("credit-1@10.0.0.9"), d.call_id);
        CPPUNIT_ASSERT_EQUAL(std::string("<sip:0262006200082@vce.test>;tag=caller1"),
                             d.caller_from);
        CPPUNIT_ASSERT_EQUAL(std::string("<sip:+82212345678@vce.test>;tag=callee9"), d.callee_to);
        CPPUNIT_ASSERT_EQUAL(7u, d.caller_cseq);
        CPPUNIT_ASSERT_EQUAL(0u, d.callee_cseq);
        CPPUNIT_ASSERT_EQUAL(std::string("sip:gw@10.0.0.5:5070"), d.callee.target);
        CPPUNIT_ASSERT_EQUAL(std::string("sip:0262006200082@192.168.1.5:5062"), d.caller.target);
        CPPUNIT_ASSERT_EQUAL(std::string("sip:203.0.113.9:40000"), d.caller.hop);
        // Toward the callee: the nearest proxy first (10.0.0.3, then 10.0.0.4).
        CPPUNIT_ASSERT_EQUAL(size_t(2), d.callee.routes.size());
        CPPUNIT_ASSERT_EQUAL(std::string("<sip:10.0.0.3;lr>"), d.callee.routes[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("<sip:10.0.0.4;lr>"), d.callee.routes[1]);
        CPPUNIT_ASSERT_EQUAL(size_t(1), d.caller.routes.size());
        CPPUNIT_ASSERT_EQUAL(std::string("<sip:10.0.0.8;lr>"), d.caller.routes[0]);
    }
    void dialogNeedsTags() {
        std::string no_tag = kAnswer;
        no_tag.replace(no_tag.find(";tag=callee9"), std::strlen(";tag=callee9"), "");
        ParsedSip inv(kInvite), ok(no_tag);
        ProxiedDialog d;
        CPPUNIT_ASSERT(!d.build(inv.sip(), ok.sip(), ours, "", ""));
        CPPUNIT_ASSERT(d.empty());
        // Not record-routed through us: no routes to guess from.
        std::string other = kAnswer;
        other.replace(other.find("<sip:10.0.0.1:5060;lr>"), std::strlen("<sip:10.0.0.1:5060;lr>"),
                      "<sip:10.0.0.2;lr>");
        ParsedSip ok2(other);
        ProxiedDialog d2;
        CPPUNIT_ASSERT(d2.build(inv.sip(), ok2.sip(), ours, "", ""));
        CPPUNIT_ASSERT(d2.callee.routes.empty());
    }
    void cseqOfEachParty() {
        ParsedSip inv(kInvite), ok(kAnswer);
        ProxiedDialog d;
        CPPUNIT_ASSERT(d.build(inv.sip(), ok.sip(), ours, "", ""));
        auto request = [](const char *from_tag, int cseq, const char *method) {
            return std::string(method) +
                   " sip:x@10.0.0.1 SIP/2.0\r\n"
                   "Via: SIP/2.0/UDP 10.0.0.9:5062;branch=z9hG4bK" +
                   std::to_string(cseq) + "\r\nFrom: <sip:a@vce.test>;tag=" + from_tag +
                   "\r\nTo: <sip:b@vce.test>;tag=other\r\nCall-ID: credit-1@10.0.0.9\r\n"
                   "CSeq: " +
                   std::to_string(cseq) + " " + method + "\r\nContent-Length: 0\r\n\r\n";
        };
        ParsedSip reinvite(request("caller1", 9, "INVITE")),
            update(request("callee9", 3, "UPDATE")), older(request("caller1", 8, "INFO")),
            stranger(request("aller1", 50, "INFO"));
        d.saw_request(reinvite.sip());
        d.saw_request(update.sip());
        d.saw_request(older.sip());
        CPPUNIT_ASSERT_EQUAL(9u, d.caller_cseq);
        CPPUNIT_ASSERT_EQUAL(3u, d.callee_cseq);
        // A tag that merely ends like the caller's is the other party's.
        d.saw_request(stranger.sip());
        CPPUNIT_ASSERT_EQUAL(9u, d.caller_cseq);
        CPPUNIT_ASSERT_EQUAL(50u, d.callee_cseq);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanSipCreditTest);
