// The shipped dialplan as chan_tdm uses it: a call from a PSTN trunk reaches our numbers but
// is never sent back out to the PSTN or to another carrier; analog phones route like members.
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

class ChanTdmDialplanTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanTdmDialplanTest);
    CPPUNIT_TEST(test_trunk_call_to_our_number_is_dialled);
    CPPUNIT_TEST(test_trunk_call_to_pstn_is_refused);
    CPPUNIT_TEST(test_trunk_call_no_pstn_fallback);
    CPPUNIT_TEST(test_analog_phone_reaches_pstn);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        auto reader = [](const std::string &path, std::string &text) {
            std::ifstream in(path);
            if (!in) return false;
            std::ostringstream ss;
            ss << in.rdbuf();
            text = ss.str();
            return true;
        };
        plan_ =
            Dialplan::parse_file(std::string(VCE_TOP_SRCDIR) + "/dialplan/extensions.conf", reader);
        SnapshotBuilder b;
        b.add_builtin_countries()
            .add_centre({"seoul", "082", "10.0.0.1:5060", true})
            .add_account("0262006200082", "+82262006200")
            .add_number("0262006200082", "0262006200082", "+82262006200")
            .add_trunk({"kr-pstn", "082", 0, ""});
        snap_ = b.build();
        reg_ = std::make_unique<Registry>();
        // app_route's own Route() application, over this test's snapshot.
        reg_->add_application("Route",
                              vce::approute::route_application(
                                  [this](const std::string &number, const std::string &caller) {
                                      return router_.route(*snap_, number, caller, "");
                                  }));
        reg_->add_application("Dial", [](Execution &, const std::vector<std::string> &) {
            return AppResult::wait();
        });
    }

    void test_trunk_call_to_our_number_is_dialled() {
        Execution x(plan_, *reg_, "from-trunks", "0262006200082");
        CPPUNIT_ASSERT(x.run() == Execution::State::Waiting);
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/0262006200082"), x.waiting_args().at(0));
    }

    void test_trunk_call_to_pstn_is_refused() {
        for (const char *n : {"02-1234-5678", "0212345678", "+82212345678"}) {
            Execution x(plan_, *reg_, "from-trunks", n);
            CPPUNIT_ASSERT_MESSAGE(n, x.run() == Execution::State::Ended);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(n, std::string("403"), x.get("HANGUPCAUSE"));
        }
    }

    void test_trunk_call_no_pstn_fallback() {
        Execution x(plan_, *reg_, "from-trunks", "0262006200082");
        CPPUNIT_ASSERT(x.run() == Execution::State::Waiting);
        x.resume({{"DIALSTATUS", "CHANUNAVAIL"}});           // the member's phone is not registered
        CPPUNIT_ASSERT(x.run() == Execution::State::Ended);  // no second Dial to the PSTN
    }

    void test_analog_phone_reaches_pstn() {
        Execution x(plan_, *reg_, "from-analog", "0212345678");
        CPPUNIT_ASSERT(x.run() == Execution::State::Waiting);
        CPPUNIT_ASSERT_EQUAL(std::string("TDM/kr-pstn/0212345678"), x.waiting_args().at(0));
    }

private:
    std::shared_ptr<const Dialplan> plan_;
    std::shared_ptr<const Snapshot> snap_;
    std::unique_ptr<Registry> reg_;
    Router router_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanTdmDialplanTest);
