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
    CPPUNIT_TEST(test_box_phone_calls_through_the_exchange_with_fallbacks);
    CPPUNIT_TEST(test_box_phone_falls_back_at_once_when_the_exchange_fails);
    CPPUNIT_TEST(test_box_calls_from_the_exchange_ring_the_line);
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
        reg_->add_application("RouteNext", vce::approute::route_next_application());
        reg_->add_application("Dial", [](Execution &, const std::vector<std::string> &) {
            return AppResult::wait();
        });

        // An edge box: its own routing data has countries and its trunk only (the members are
        // the exchange's); UPSTREAM() reads this test's state, PSTN() is the number plan's.
        SnapshotBuilder bb;
        bb.add_builtin_countries().add_trunk({"kr-pstn", "082", 0, ""});
        box_snap_ = bb.build();
        box_reg_ = std::make_unique<Registry>();
        box_reg_->add_application("Route", vce::approute::route_application(
                                               [this](const std::string &n, const std::string &c) {
                                                   return router_.route(*box_snap_, n, c, "082");
                                               }));
        box_reg_->add_application("RouteNext", vce::approute::route_next_application());
        box_reg_->add_application("Dial", [](Execution &, const std::vector<std::string> &) {
            return AppResult::wait();
        });
        box_reg_->add_function(
            "UPSTREAM", {[this](Execution &, const std::vector<std::string> &a) {
                             return a.size() == 1 && a[0] == "exchange" ? upstream_ : std::string();
                         },
                         [this](Execution &, const std::vector<std::string> &a,
                                const std::string &v) { retries_ += a.at(0) + "=" + v + ";"; }});
        box_reg_->add_function("PSTN", {[this](Execution &, const std::vector<std::string> &a) {
                                            return box_snap_->plan().pstn_of(a.at(0), "082");
                                        },
                                        nullptr});
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
        x.set("CALL_REACH", "pstn");  // chan_tdm: a phone (FXS) may call the PSTN
        CPPUNIT_ASSERT(x.run() == Execution::State::Waiting);
        CPPUNIT_ASSERT_EQUAL(std::string("TDM/kr-pstn/0212345678"), x.waiting_args().at(0));
    }

    // The exchange registered: through it first; the trunk on CHANUNAVAIL (not registered there,
    // or silent) and NOANSWER, none on BUSY or ANSWER.
    void test_box_phone_calls_through_the_exchange_with_fallbacks() {
        upstream_ = "registered";
        const struct {
            const char *outcome, *second_dial;
        } rows[] = {
            {"CHANUNAVAIL", "TDM/kr-pstn/0262006200"},
            {"NOANSWER", "TDM/kr-pstn/0262006200"},
            {"CONGESTION", "TDM/kr-pstn/0262006200"},
            {"BUSY", ""},
            {"ANSWER", ""},
        };
        for (const auto &r : rows) {
            retries_.clear();
            Execution x(plan_, *box_reg_, "box-analog", "02-6200-6200-082");
            x.set("CALL_REACH", "pstn");  // chan_tdm: a phone (FXS) may call the PSTN
            CPPUNIT_ASSERT(x.run() == Execution::State::Waiting);
            CPPUNIT_ASSERT_EQUAL(std::string("SIP/exchange/02-6200-6200-082"),
                                 x.waiting_args().at(0));
            x.resume({{"DIALSTATUS", r.outcome}});
            CPPUNIT_ASSERT_EQUAL(std::string(""), retries_);  // registered: no retry
            if (*r.second_dial) {
                CPPUNIT_ASSERT_MESSAGE(r.outcome, x.run() == Execution::State::Waiting);
                CPPUNIT_ASSERT_EQUAL_MESSAGE(r.outcome, std::string(r.second_dial),
                                             x.waiting_args().at(0));
            } else {
                CPPUNIT_ASSERT_MESSAGE(r.outcome, x.run() == Execution::State::Ended);
                CPPUNIT_ASSERT_EQUAL_MESSAGE(
                    r.outcome, std::string(std::string(r.outcome) == "BUSY" ? "486" : ""),
                    x.get("HANGUPCAUSE"));
            }
        }
    }

    // The exchange failing or silent: the trunk at once, without trying it; nothing for a
    // number that has no PSTN number of its own.
    void test_box_phone_falls_back_at_once_when_the_exchange_fails() {
        for (const char *state : {"failing", "partial", "stopped", ""}) {
            upstream_ = state;
            retries_.clear();
            Execution x(plan_, *box_reg_, "box-analog", "0262006200082");
            x.set("CALL_REACH", "pstn");  // chan_tdm: a phone (FXS) may call the PSTN
            CPPUNIT_ASSERT_MESSAGE(state, x.run() == Execution::State::Waiting);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(state, std::string("TDM/kr-pstn/0262006200"),
                                         x.waiting_args().at(0));
            // The registration is sent again as the number is entered (seed 000 claim 6).
            CPPUNIT_ASSERT_EQUAL_MESSAGE(state, std::string("exchange=retry;"), retries_);
        }
        upstream_ = "failing";
        Execution vns(plan_, *box_reg_, "box-analog", "6200-6200#082");
        vns.set("CALL_REACH", "pstn");
        CPPUNIT_ASSERT(vns.run() == Execution::State::Ended);
        // A PSTN number dialled as such goes out the trunk too.
        Execution pstn(plan_, *box_reg_, "box-analog", "02-1234-5678");
        pstn.set("CALL_REACH", "pstn");
        CPPUNIT_ASSERT(pstn.run() == Execution::State::Waiting);
        CPPUNIT_ASSERT_EQUAL(std::string("TDM/kr-pstn/0212345678"), pstn.waiting_args().at(0));
    }

    void test_box_calls_from_the_exchange_ring_the_line() {
        Execution x(plan_, *box_reg_, "from-upstream", "025551234082");
        CPPUNIT_ASSERT(x.run() == Execution::State::Waiting);
        CPPUNIT_ASSERT_EQUAL(std::string("TDM/phones/025551234082"), x.waiting_args().at(0));
        x.resume({{"DIALSTATUS", "NOANSWER"}});
        CPPUNIT_ASSERT(x.run() == Execution::State::Ended);  // never a trunk
    }

private:
    std::string upstream_, retries_;
    std::shared_ptr<const Snapshot> box_snap_;
    std::unique_ptr<Registry> box_reg_;
    std::shared_ptr<const Dialplan> plan_;
    std::shared_ptr<const Snapshot> snap_;
    std::unique_ptr<Registry> reg_;
    Router router_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanTdmDialplanTest);
