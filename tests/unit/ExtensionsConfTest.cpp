// Parses the shipped dialplan/extensions.conf and walks calls through it with the real
// router (over a seed-like snapshot) behind a test Route() and a test Dial() that waits.
#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <sstream>
#include <string>

#include "dialplan/Dialplan.h"
#include "dialplan/Execution.h"
#include "modules/app_route/RouteApplication.h"
#include "routing/Router.h"

using namespace vce::dialplan;
using namespace vce::routing;

namespace {

std::shared_ptr<const Dialplan> shipped() {
    auto reader = [](const std::string &path, std::string &text) {
        std::ifstream in(path);
        if (!in) return false;
        std::ostringstream ss;
        ss << in.rdbuf();
        text = ss.str();
        return true;
    };
    return Dialplan::parse_file(std::string(VCE_TOP_SRCDIR) + "/dialplan/extensions.conf", reader);
}

std::shared_ptr<const Snapshot> snapshot() {
    SnapshotBuilder b;
    b.add_builtin_countries()
        .add_centre({"seoul", "082", "10.0.0.1:5060", true})
        .add_account("0262006200082", "+82262006200")
        .add_number("0262006200082", "0262006200082", "+82262006200")
        .add_alias("kim@example.com", "0262006200082")
        .add_carrier({"kr-voip", "voip.kr.example:5060", {"+8270"}})
        .add_trunk({"kr-pstn", "082", 0, ""})
        .add_trunk({"kr-pstn2", "082", 10, ""})  // when kr-pstn fails
        // The US: two peers' centres of equal priority, the company's branch there.
        .add_centre({"us-a", "001", "10.0.1.1:5060", false})
        .add_centre({"us-b", "001", "10.0.1.2:5060", false})
        .add_account("acme-us")
        .add_branch("62006200", "001", "acme-us", "+12125550100")
        .add_trunk({"us-pstn", "001", 0, ""});
    return b.build();
}

}  // namespace

class ExtensionsConfTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ExtensionsConfTest);
    CPPUNIT_TEST(testParses);
    CPPUNIT_TEST(testMemberNotAnsweringFallsBackToPstn);
    CPPUNIT_TEST(testAnsweredCallEnds);
    CPPUNIT_TEST(testBusyDoesNotFallBack);
    CPPUNIT_TEST(testRefusedNumberHangsUpWithStatus);
    CPPUNIT_TEST(testPstnCallHasNoSecondDial);
    CPPUNIT_TEST(testPeersReachOnlyWhatTheyMay);
    CPPUNIT_TEST(testFailoverToTheNextCentre);
    CPPUNIT_TEST(testFailoverToTheNextTrunkGroup);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        plan_ = shipped();
        snap_ = snapshot();
        reg_ = std::make_unique<Registry>();
        // app_route's own Route() application, over this test's snapshot.
        reg_->add_application("Route",
                              vce::approute::route_application(
                                  [this](const std::string &number, const std::string &caller) {
                                      return router_.route(*snap_, number, caller, "");
                                  }));
        reg_->add_application("RouteNext", vce::approute::route_next_application());
        reg_->add_application("Dial", [](Execution &, const std::vector<std::string> &) {
            return AppResult::wait();
        });
    }

    // The branch in the US is at two centres: 503 or 408 from the first tries the second; 486
    // or 404 does not (busy ends the call, 404 takes the PSTN fallback when the caller may).
    void testFailoverToTheNextCentre() {
        struct {
            const char *dialstatus, *sipstatus;
            const char *second_dial;  // "" when the call ends
        } rows[] = {
            {"CONGESTION", "503", "SIP/10.0.1.2:5060/62006200%23001"},
            {"NOANSWER", "408", "SIP/10.0.1.2:5060/62006200%23001"},
            {"CONGESTION", "", "SIP/10.0.1.2:5060/62006200%23001"},
            {"BUSY", "486", ""},
            {"CHANUNAVAIL", "404", "TDM/us-pstn/12125550100"},
            {"NOANSWER", "480", "TDM/us-pstn/12125550100"},
        };
        for (auto &r : rows) {
            const std::string what = std::string(r.dialstatus) + " " + r.sipstatus;
            Execution x(plan_, *reg_, "from-members", "6200-6200#001");
            x.set("CALL_REACH", "pstn");  // a member, a phone
            CPPUNIT_ASSERT(x.run() == Execution::State::Waiting);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string("SIP/10.0.1.1:5060/62006200%23001"),
                                         x.waiting_args().at(0));
            x.resume({{"DIALSTATUS", r.dialstatus}, {"DIALSIPSTATUS", r.sipstatus}});
            if (!*r.second_dial) {
                CPPUNIT_ASSERT_MESSAGE(what, x.run() == Execution::State::Ended);
                continue;
            }
            CPPUNIT_ASSERT_MESSAGE(what, x.run() == Execution::State::Waiting);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string(r.second_dial), x.waiting_args().at(0));
            // The second centre fails too: the PSTN fallback, then the end.
            x.resume({{"DIALSTATUS", "CONGESTION"}, {"DIALSIPSTATUS", "503"}});
            if (std::string(r.second_dial).rfind("SIP/", 0) == 0) {
                CPPUNIT_ASSERT_MESSAGE(what, x.run() == Execution::State::Waiting);
                CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string("TDM/us-pstn/12125550100"),
                                             x.waiting_args().at(0));
                x.resume({{"DIALSTATUS", "CONGESTION"}, {"DIALSIPSTATUS", "503"}});
            }
            CPPUNIT_ASSERT_MESSAGE(what, x.run() == Execution::State::Ended);
        }
    }

    // A PSTN number with two trunk groups: the first one's channels all busy (CHANUNAVAIL, 503)
    // tries the second; the callee busy there ends the call (no third try, no PSTN fallback).
    void testFailoverToTheNextTrunkGroup() {
        Execution x(plan_, *reg_, "from-members", "02-1234-5678");
        x.set("CALL_REACH", "pstn");  // a member, a phone
        CPPUNIT_ASSERT(x.run() == Execution::State::Waiting);
        CPPUNIT_ASSERT_EQUAL(std::string("TDM/kr-pstn/0212345678"), x.waiting_args().at(0));
        x.resume({{"DIALSTATUS", "CHANUNAVAIL"}, {"DIALSIPSTATUS", "503"}});
        CPPUNIT_ASSERT(x.run() == Execution::State::Waiting);
        CPPUNIT_ASSERT_EQUAL(std::string("TDM/kr-pstn2/0212345678"), x.waiting_args().at(0));
        x.resume({{"DIALSTATUS", "BUSY"}, {"DIALSIPSTATUS", "486"}});
        CPPUNIT_ASSERT(x.run() == Execution::State::Ended);
        CPPUNIT_ASSERT_EQUAL(std::string("486"), x.get("HANGUPCAUSE"));
    }

    void testParses() {
        for (const char *c : {"from-members", "from-analog", "from-trunks", "from-centres"})
            CPPUNIT_ASSERT_MESSAGE(c, plan_->exists(c, "0262006200082"));
        CPPUNIT_ASSERT(plan_->can_match("from-analog", "6200"));
        CPPUNIT_ASSERT(plan_->match_more("from-analog", "6200"));
    }

    void testMemberNotAnsweringFallsBackToPstn() {
        Execution x(plan_, *reg_, "from-members", "kim@example.com");
        x.set("CALL_REACH", "pstn");  // a member, a phone
        CPPUNIT_ASSERT(x.run() == Execution::State::Waiting);
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/0262006200082"), x.waiting_args().at(0));
        CPPUNIT_ASSERT_EQUAL(std::string("30"), x.waiting_args().at(1));
        x.resume({{"DIALSTATUS", "CHANUNAVAIL"}});  // not registered
        CPPUNIT_ASSERT(x.run() == Execution::State::Waiting);
        CPPUNIT_ASSERT_EQUAL(std::string("TDM/kr-pstn/0262006200"), x.waiting_args().at(0));
        x.resume({{"DIALSTATUS", "ANSWER"}});
        CPPUNIT_ASSERT(x.run() == Execution::State::Ended);
        CPPUNIT_ASSERT_EQUAL(std::string("hangup"), x.end_reason());
    }

    void testAnsweredCallEnds() {
        Execution x(plan_, *reg_, "from-analog", "02-6200-6200-082");
        x.set("CALL_REACH", "pstn");  // a member, a phone
        CPPUNIT_ASSERT(x.run() == Execution::State::Waiting);
        x.resume({{"DIALSTATUS", "ANSWER"}});
        CPPUNIT_ASSERT(x.run() == Execution::State::Ended);
        CPPUNIT_ASSERT(x.get("HANGUPCAUSE").empty());
    }

    void testBusyDoesNotFallBack() {
        Execution x(plan_, *reg_, "from-members", "kim@example.com");
        x.set("CALL_REACH", "pstn");  // a member, a phone
        CPPUNIT_ASSERT(x.run() == Execution::State::Waiting);
        x.resume({{"DIALSTATUS", "BUSY"}});  // 486 from the callee: no PSTN leg
        CPPUNIT_ASSERT(x.run() == Execution::State::Ended);
        CPPUNIT_ASSERT_EQUAL(std::string("486"), x.get("HANGUPCAUSE"));
    }

    void testRefusedNumberHangsUpWithStatus() {
        Execution x(plan_, *reg_, "from-members", "02-6200-6201-082");
        x.set("CALL_REACH", "pstn");  // a member, a phone
        CPPUNIT_ASSERT(x.run() == Execution::State::Ended);
        CPPUNIT_ASSERT_EQUAL(std::string("404"), x.get("HANGUPCAUSE"));
        CPPUNIT_ASSERT_EQUAL(std::string("unassigned"), x.get("ROUTE_CAUSE"));
    }

    void testPstnCallHasNoSecondDial() {
        Execution x(plan_, *reg_, "from-members", "02-1234-5678");
        x.set("CALL_REACH", "pstn");  // a member, a phone
        CPPUNIT_ASSERT(x.run() == Execution::State::Waiting);
        CPPUNIT_ASSERT_EQUAL(std::string("TDM/kr-pstn/0212345678"), x.waiting_args().at(0));
        x.resume({{"DIALSTATUS", "BUSY"}});
        CPPUNIT_ASSERT(x.run() == Execution::State::Ended);
        CPPUNIT_ASSERT_EQUAL(std::string("pstn"), x.get("ROUTE_CLASS"));
    }

    // A peer's call runs [from-centres] with the reach the peer has: a PSTN number needs pstn,
    // another carrier's number carriers; an own-numbers peer gets no PSTN fallback either.
    void testPeersReachOnlyWhatTheyMay() {
        struct {
            const char *reach, *dialled;
            const char *dial;  // the first Dial, "" when refused
        } rows[] = {
            {"own", "02-1234-5678", ""},
            {"", "02-1234-5678", ""},  // a channel that says nothing: own numbers only
            {"carriers", "02-1234-5678", ""},
            {"pstn", "02-1234-5678", "TDM/kr-pstn/0212345678"},
            {"own", "070-1234-5678", ""},
            {"carriers", "070-1234-5678", "SIP/voip.kr.example:5060/+827012345678"},
            {"own", "kim@example.com", "SIP/0262006200082"},
        };
        for (const auto &r : rows) {
            const std::string what = std::string(r.reach) + " -> " + r.dialled;
            Execution x(plan_, *reg_, "from-centres", r.dialled);
            if (*r.reach) x.set("CALL_REACH", r.reach);
            if (!*r.dial) {
                CPPUNIT_ASSERT_MESSAGE(what, x.run() == Execution::State::Ended);
                CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string("403"), x.get("HANGUPCAUSE"));
                CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string("not-permitted"),
                                             x.get("ROUTE_CAUSE"));
                continue;
            }
            CPPUNIT_ASSERT_MESSAGE(what, x.run() == Execution::State::Waiting);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string(r.dial), x.waiting_args().at(0));
        }
        // Our member not registered: a member's caller falls back to the PSTN, a peer does not.
        Execution x(plan_, *reg_, "from-centres", "kim@example.com");
        x.set("CALL_REACH", "own");
        CPPUNIT_ASSERT(x.run() == Execution::State::Waiting);
        CPPUNIT_ASSERT_EQUAL(std::string(""), x.get("ROUTE_PSTN"));
        x.resume({{"DIALSTATUS", "CHANUNAVAIL"}});
        CPPUNIT_ASSERT(x.run() == Execution::State::Ended);
    }

private:
    std::shared_ptr<const Dialplan> plan_;
    std::shared_ptr<const Snapshot> snap_;
    std::unique_ptr<Registry> reg_;
    Router router_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ExtensionsConfTest);
