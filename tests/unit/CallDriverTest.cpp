// vce::CallDriver and the dial outcome table: Dial arguments, channel variables, the caller
// Route() sees from every technology, outcomes -> DIALSTATUS -> SIP status.
#include <cppunit/extensions/HelperMacros.h>
#include <event2/event.h>
#include <unistd.h>

#include <fstream>
#include <memory>

#include "core/CoreHost.h"
#include "vce/CallDriver.h"
#include "vce/DialOutcome.h"
#include "vce/DialplanService.h"

using namespace vce;

class CallDriverTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CallDriverTest);
    CPPUNIT_TEST(dial_args_from_a_table);
    CPPUNIT_TEST(dial_target_split);
    CPPUNIT_TEST(outcome_tables);
    CPPUNIT_TEST(every_technology_sets_the_same_caller_variables);
    CPPUNIT_TEST(dial_recognised_in_any_case_then_resumed_with_outcome);
    CPPUNIT_TEST(hangup_status_and_unknown_waiting_app);
    CPPUNIT_TEST_SUITE_END();

    event_base *base_ = nullptr;
    std::unique_ptr<CoreHost> host_;
    std::unique_ptr<DialplanService> dp_;
    std::string path_;

    void plan(const std::string &text) {
        std::ofstream(path_) << text;
        CPPUNIT_ASSERT_EQUAL(std::string(""), dp_->reload());
    }

public:
    void setUp() override {
        base_ = event_base_new();
        host_ = std::make_unique<CoreHost>(base_, "/nonexistent", "/tmp", "test", Config());
        path_ = "/tmp/calldriver-test-" + std::to_string(getpid()) + ".conf";
        dp_ = std::make_unique<DialplanService>(*host_, path_);
    }
    void tearDown() override {
        dp_.reset();
        host_.reset();
        event_base_free(base_);
        unlink(path_.c_str());
    }

    void dial_args_from_a_table() {
        struct {
            std::vector<std::string> args;
            std::vector<std::string> targets;
            int timeout;
        } rows[] = {
            {{"SIP/kim"}, {"SIP/kim"}, 30},
            {{"SIP/kim", "20"}, {"SIP/kim"}, 20},
            {{"SIP/a&SIP/b&TDM/g/1", "5"}, {"SIP/a", "SIP/b", "TDM/g/1"}, 5},
            {{"SIP/a&&SIP/b", ""}, {"SIP/a", "SIP/b"}, 30},
            {{"SIP/a", "x5"}, {"SIP/a"}, 30},
            {{"SIP/a", "0"}, {"SIP/a"}, 30},
            {{"SIP/a", "-3"}, {"SIP/a"}, 30},
            {{"SIP/a", "12abc"}, {"SIP/a"}, 30},
            {{""}, {}, 30},
            {{}, {}, 30},
        };
        for (const auto &r : rows) {
            DialArgs d = parse_dial_args(r.args, 30);
            CPPUNIT_ASSERT(d.targets == r.targets);
            CPPUNIT_ASSERT_EQUAL(r.timeout, d.timeout_seconds);
        }
    }
    void dial_target_split() {
        CPPUNIT_ASSERT_EQUAL(std::string("TDM"), split_dial_target("TDM/trunks/+49301234").tech);
        CPPUNIT_ASSERT_EQUAL(std::string("trunks/+49301234"),
                             split_dial_target("TDM/trunks/+49301234").resource);
        CPPUNIT_ASSERT_EQUAL(std::string(""), split_dial_target("nothing").tech);
    }
    void outcome_tables() {
        struct {
            int sip;
            const char *dialstatus;
        } sip_rows[] = {{200, "ANSWER"},      {486, "BUSY"},        {600, "BUSY"},
                        {408, "NOANSWER"},    {480, "NOANSWER"},    {487, "NOANSWER"},
                        {404, "CHANUNAVAIL"}, {604, "CHANUNAVAIL"}, {503, "CONGESTION"},
                        {500, "CONGESTION"},  {403, "CONGESTION"}};
        for (const auto &r : sip_rows)
            CPPUNIT_ASSERT_EQUAL(std::string(r.dialstatus), dialstatus_of_sip(r.sip));
        struct {
            const char *dialstatus;
            int sip;
        } back[] = {{"ANSWER", 200},     {"BUSY", 486},   {"NOANSWER", 480}, {"CHANUNAVAIL", 480},
                    {"CONGESTION", 503}, {"CANCEL", 487}, {"", 500},         {"WHATEVER", 500}};
        for (const auto &r : back)
            CPPUNIT_ASSERT_EQUAL(r.sip, sip_status_of_dialstatus(r.dialstatus));
        CPPUNIT_ASSERT(failure_rank(600) > failure_rank(486));
        CPPUNIT_ASSERT(failure_rank(486) > failure_rank(404));
        CPPUNIT_ASSERT(failure_rank(404) > failure_rank(480));
        CPPUNIT_ASSERT(failure_rank(408) > failure_rank(503));
        CPPUNIT_ASSERT_EQUAL(0, failure_rank(200));
    }
    // What Route() gets as its caller must not depend on the technology of the call.
    void every_technology_sets_the_same_caller_variables() {
        plan(
            "[c]\nexten => _X.,1,Set(N=${CALLERID(num)})\n same => n,Set(M=${CALLERID(name)})\n"
            " same => n,Set(T=${CHANNEL_TECH})\n same => n,Hangup()\n");
        for (const char *tech : {"SIP", "TDM"}) {
            CallDriver d(*dp_, "c", "123", {"0262006200082", "Kim"}, tech, std::string(tech) + "/x",
                         30);
            CPPUNIT_ASSERT_EQUAL(int(CallDriver::Step::Ended), int(d.run().kind));
            CPPUNIT_ASSERT_EQUAL(std::string("0262006200082"), d.get("N"));
            CPPUNIT_ASSERT_EQUAL(std::string("0262006200082"), d.get(channel_vars::kCallerNum));
            CPPUNIT_ASSERT_EQUAL(std::string("Kim"), d.get("M"));
            CPPUNIT_ASSERT_EQUAL(std::string(tech), d.get("T"));
        }
    }
    void dial_recognised_in_any_case_then_resumed_with_outcome() {
        plan(
            "[c]\nexten => _X.,1,dIaL(SIP/a&SIP/b,7)\n"
            " same => n,GotoIf($[\"${DIALSTATUS}\" = \"BUSY\"]?busy)\n"
            " same => n,Dial(TDM/trunks/${EXTEN})\n same => n,Hangup()\n same => "
            "n(busy),Hangup(486)\n");
        CallDriver d(*dp_, "c", "0212345678", {"1", ""}, "TDM", "TDM/1-1", 25);
        CallDriver::Step s = d.run();
        CPPUNIT_ASSERT_EQUAL(int(CallDriver::Step::Dial), int(s.kind));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), s.dial.targets.size());
        CPPUNIT_ASSERT_EQUAL(7, s.dial.timeout_seconds);
        d.dial_done("NOANSWER", 480);
        s = d.run();
        CPPUNIT_ASSERT_EQUAL(int(CallDriver::Step::Dial), int(s.kind));
        CPPUNIT_ASSERT_EQUAL(std::string("TDM/trunks/0212345678"), s.dial.targets.at(0));
        CPPUNIT_ASSERT_EQUAL(25, s.dial.timeout_seconds);
        CPPUNIT_ASSERT_EQUAL(std::string("480"), d.get("DIALSIPSTATUS"));
        d.dial_done("CONGESTION");
        s = d.run();
        CPPUNIT_ASSERT_EQUAL(int(CallDriver::Step::Ended), int(s.kind));
        CPPUNIT_ASSERT_EQUAL(std::string("CONGESTION"), s.dialstatus);
        CPPUNIT_ASSERT_EQUAL(0, s.hangup_status);
        // The BUSY branch: Hangup(486) gives a SIP caller 486.
        CallDriver b(*dp_, "c", "0212345678", {"1", ""}, "SIP", "SIP/x", 25);
        b.run();
        b.dial_done("BUSY", 486);
        s = b.run();
        CPPUNIT_ASSERT_EQUAL(486, s.hangup_status);
        CPPUNIT_ASSERT_EQUAL(std::string("BUSY"), s.dialstatus);
    }
    void hangup_status_and_unknown_waiting_app() {
        dp_->registry().add_application(
            "Park", [](dialplan::Execution &, const std::vector<std::string> &) {
                return dialplan::AppResult::wait();
            });
        plan("[c]\nexten => 1,1,Park()\nexten => 2,1,Hangup(abc)\nexten => 3,1,Hangup(200)\n");
        CallDriver p(*dp_, "c", "1", {}, "SIP", "SIP/x", 30);
        CallDriver::Step s = p.run();
        CPPUNIT_ASSERT_EQUAL(int(CallDriver::Step::Ended), int(s.kind));
        CPPUNIT_ASSERT_MESSAGE(s.end_reason, s.end_reason.find("Park waits") != std::string::npos);
        for (const char *ext : {"2", "3"}) {
            CallDriver h(*dp_, "c", ext, {}, "SIP", "SIP/x", 30);
            CPPUNIT_ASSERT_EQUAL(0, h.run().hangup_status);  // not a SIP failure status
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CallDriverTest);
