// Table-driven routing tests over a seed-like snapshot (S410-S470 and the awkward cases).
#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <thread>

#include "routing/Router.h"
#include "routing/Snapshot.h"

using namespace vce::routing;

namespace {

std::shared_ptr<const Snapshot> seed_snapshot() {
    SnapshotBuilder b;
    b.add_builtin_countries()
        .add_centre({"seoul", "082", "10.0.0.1:5060", true})
        .add_centre({"newyork", "001", "10.0.1.1:5060", false})
        .add_centre({"tokyo", "081", "10.0.2.1:5060", false})
        .add_account("0262006200082", "+82262006200")
        .add_account("1000000")
        .add_account("acme-kr", "+8231234567")
        .add_account("acme-us")
        .add_number("02-6200-6200-082", "0262006200082", "+82262006200")
        .add_number("2125551234001", "", "+12125551234")
        .add_number("0311234567082", "", "+82311234567")
        .add_number("0319999999082", "")
        .add_branch("6200-6200", "082", "acme-kr", "+8231234567")
        .add_branch("62006200", "001", "acme-us")
        .add_alias("Example.com", "62006200")
        .add_alias("kim@example.com", "0262006200082")
        .add_carrier({"kr-voip", "voip.kr.example:5060", {"+8270"}})
        .add_trunk({"kr-pstn", "082", 0, ""})
        .add_trunk({"us-pstn", "001", 0, "newyork"});
    return b.build();
}

struct Case {
    const char *dialled;
    const char *caller;
    RouteClass cls;
    const char *target;
    const char *fallback;
    int status;
    const char *cause;
};

}  // namespace

class RouterTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RouterTest);
    CPPUNIT_TEST(testSeedRouting);
    CPPUNIT_TEST(testTraceExplains);
    CPPUNIT_TEST(testVariables);
    CPPUNIT_TEST(testRatesForbid);
    CPPUNIT_TEST(testDecisionReuse);
    CPPUNIT_TEST(testHolderSwap);
    CPPUNIT_TEST(testBuilderRejectsBadRows);
    CPPUNIT_TEST_SUITE_END();

public:
    void testSeedRouting() {
        using C = RouteClass;
        static const Case cases[] = {
            // An account username dialled exactly: its phones, checked first.
            {"0262006200082", "", C::Local, "SIP/0262006200082", "TDM/kr-pstn/0262006200", 0, ""},
            {"1000000", "", C::Local, "SIP/1000000", "", 0, ""},
            // Our PIN, served here (S420/S430) and by another country's centre.
            {"02-6200-6200-082", "", C::OwnNumber, "SIP/0262006200082", "TDM/kr-pstn/0262006200", 0,
             ""},
            {"212-555-1234-001", "", C::RemoteCentre, "SIP/10.0.1.1:5060/2125551234001",
             "SIP/10.0.1.1:5060/+12125551234", 0, ""},
            {"031-123-4567-082", "", C::Pstn, "TDM/kr-pstn/0311234567", "TDM/kr-pstn/0311234567", 0,
             ""},
            {"031-999-9999-082", "", C::None, "", "", 480, "unavailable"},
            {"02-6200-6201-082", "", C::None, "", "", 404, "unassigned"},
            {"02-6200-6200-999", "", C::None, "", "", 404, "unassigned"},
            // VNS: the branch of the dialled country; none there; the caller's country.
            {"6200-6200#082", "", C::VnsBranch, "SIP/acme-kr", "TDM/kr-pstn/031234567", 0, ""},
            {"sip:6200-6200%23082@vce.example", "", C::VnsBranch, "SIP/acme-kr",
             "TDM/kr-pstn/031234567", 0, ""},
            {"6200-6200#001", "", C::RemoteCentre, "SIP/10.0.1.1:5060/62006200%23001", "", 0, ""},
            {"6200-6200#081", "", C::None, "", "", 404, "no-branch"},
            {"6200-6200#999", "", C::None, "", "", 404, "unassigned"},
            {"62006200", "0262006200082", C::VnsBranch, "SIP/acme-kr", "TDM/kr-pstn/031234567", 0,
             ""},
            {"6200-6200#", "212-555-1234-001", C::RemoteCentre, "SIP/10.0.1.1:5060/62006200%23001",
             "", 0, ""},
            // Aliases: the member's number, case-folded.
            {"kim@example.com", "", C::OwnNumber, "SIP/0262006200082", "TDM/kr-pstn/0262006200", 0,
             ""},
            {"sip:KIM@Example.COM", "", C::OwnNumber, "SIP/0262006200082", "TDM/kr-pstn/0262006200",
             0, ""},
            {"EXAMPLE.com", "1000000", C::VnsBranch, "SIP/acme-kr", "TDM/kr-pstn/031234567", 0, ""},
            {"nobody@example.com", "", C::None, "", "", 404, "unknown-alias"},
            // PSTN (S440/S450): a trunk of that country, here or at its centre; none.
            {"02-6200-6200", "", C::Pstn, "TDM/kr-pstn/0262006200", "TDM/kr-pstn/0262006200", 0,
             ""},
            {"02-6200-6200#", "", C::Pstn, "TDM/kr-pstn/0262006200", "TDM/kr-pstn/0262006200", 0,
             ""},
            {"+1 212 555 0000", "", C::Pstn, "SIP/10.0.1.1:5060/+12125550000",
             "SIP/10.0.1.1:5060/+12125550000", 0, ""},
            {"+81 3 1234 5678", "", C::Pstn, "SIP/10.0.2.1:5060/+81312345678",
             "SIP/10.0.2.1:5060/+81312345678", 0, ""},
            {"+44 20 7946 0000", "", C::None, "", "", 503, "no-route"},
            // Another carrier's VoIP range (S460/S470).
            {"070-1234-5678", "", C::Carrier, "SIP/voip.kr.example:5060/+827012345678",
             "TDM/kr-pstn/07012345678", 0, ""},
            // Incomplete and nonsense.
            {"02-620", "", C::None, "", "", 484, "incomplete"},
            {"4711", "", C::None, "", "", 404, "unassigned"},
            {"+999 123", "", C::None, "", "", 404, "unassigned"},
            {"not a number", "", C::None, "", "", 484, "invalid"},
        };
        auto snap = seed_snapshot();
        Router router;
        Decision d;
        for (const Case &c : cases) {
            router.route(*snap, c.dialled, c.caller, "", d);
            std::string what = std::string("dialled '") + c.dialled + "': " + class_name(d.cls) +
                               " " + d.target + " " + d.reason;
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string(class_name(c.cls)),
                                         std::string(class_name(d.cls)));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string(c.target), d.target);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string(c.fallback), d.pstn_fallback);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, c.status, d.sip_status);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string(c.cause), d.cause);
        }
    }

    void testTraceExplains() {
        auto snap = seed_snapshot();
        Router router;
        Trace trace;
        Decision d = router.route(*snap, "kim@example.com", "1000000", "", &trace);
        CPPUNIT_ASSERT(d.ok());
        std::string text = trace.text();
        CPPUNIT_ASSERT_MESSAGE(text, text.find("1. dialled 'kim@example.com' by '1000000'") == 0);
        CPPUNIT_ASSERT_MESSAGE(text,
                               text.find("stands for number '0262006200082'") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(text, text.find("served here by account") != std::string::npos);
        Trace refused;
        router.route(*snap, "6200-6200#081", "", "", &refused);
        CPPUNIT_ASSERT_MESSAGE(refused.text(),
                               refused.text().find("has no branch in country 081 (branches: "
                                                   "082, 001) -> SIP 404") != std::string::npos);
    }

    void testVariables() {
        auto snap = seed_snapshot();
        Router router;
        auto v = router.route(*snap, "kim@example.com").variables();
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/0262006200082"), v["ROUTE_TARGET"]);
        CPPUNIT_ASSERT_EQUAL(std::string("own-number"), v["ROUTE_CLASS"]);
        CPPUNIT_ASSERT_EQUAL(std::string("TDM/kr-pstn/0262006200"), v["ROUTE_PSTN"]);
        CPPUNIT_ASSERT_EQUAL(std::string(""), v["ROUTE_CAUSE"]);
        CPPUNIT_ASSERT_EQUAL(std::string("kim@example.com"), v["ROUTE_ALIAS"]);
        CPPUNIT_ASSERT_EQUAL(std::string("0262006200082"), v["ROUTE_NUMBER"]);
        auto bad = router.route(*snap, "02-620").variables();
        CPPUNIT_ASSERT_EQUAL(std::string("484"), bad["ROUTE_STATUS"]);
        CPPUNIT_ASSERT_EQUAL(std::string("incomplete"), bad["ROUTE_CAUSE"]);
    }

    void testRatesForbid() {
        SnapshotBuilder b;
        b.add_builtin_countries()
            .add_centre({"seoul", "082", "10.0.0.1:5060", true})
            .add_trunk({"kr-pstn", "082", 0, ""})
            .add_trunk({"uk-pstn", "044", 0, ""})
            .add_rate({"+82", 0.02})
            .add_rate({"+8210", 0.08});
        auto snap = b.build();
        Router r;
        auto mobile = r.route(*snap, "010-1234-5678");
        CPPUNIT_ASSERT(mobile.ok());
        CPPUNIT_ASSERT_DOUBLES_EQUAL(0.08, mobile.rate, 1e-9);
        auto fixed = r.route(*snap, "02-6200-6200");
        CPPUNIT_ASSERT_DOUBLES_EQUAL(0.02, fixed.rate, 1e-9);
        auto uk = r.route(*snap, "+44 20 7946 0000");
        CPPUNIT_ASSERT_EQUAL(403, uk.sip_status);
        CPPUNIT_ASSERT_EQUAL(std::string("forbidden"), uk.cause);
    }

    void testDecisionReuse() {
        auto snap = seed_snapshot();
        Router r;
        Decision d;
        r.route(*snap, "nobody@example.com", "", "", d);
        CPPUNIT_ASSERT_EQUAL(404, d.sip_status);
        r.route(*snap, "02-6200-6200", "", "", d);
        CPPUNIT_ASSERT(d.ok());
        CPPUNIT_ASSERT(d.cause.empty() && d.reason.empty() && d.alias.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("+82262006200"), d.canonical);
    }

    void testHolderSwap() {
        SnapshotHolder holder;
        holder.store(seed_snapshot());
        auto old = holder.load();
        std::thread reader([&] {
            Router r;
            for (int i = 0; i < 2000; ++i) {
                auto s = holder.load();
                CPPUNIT_ASSERT(r.route(*s, "02-6200-6200-082").ok());
            }
        });
        for (int i = 0; i < 20; ++i) holder.store(seed_snapshot());
        reader.join();
        CPPUNIT_ASSERT(holder.load() != old);
        Router r;
        CPPUNIT_ASSERT(r.route(*old, "1000000").ok());  // the old one is still valid
    }

    void testBuilderRejectsBadRows() {
        {
            SnapshotBuilder b;
            b.add_number("0262006200082", "ghost");
            CPPUNIT_ASSERT_THROW(b.build(), std::invalid_argument);
        }
        {
            SnapshotBuilder b;
            b.add_alias("kim@example.com", "0262006200082");
            CPPUNIT_ASSERT_THROW(b.build(), std::invalid_argument);
        }
        SnapshotBuilder b;
        CPPUNIT_ASSERT_THROW(b.add_centre({"x", "82", "h", false}), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(b.add_trunk({"t", "082", 0, "nowhere"}), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(b.add_rate({"82", 1}), std::invalid_argument);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RouterTest);
