// Failover across centres and trunk groups, from tables: the order of a destination's
// alternatives (priority, weight, health), which failed Dial tries the next, the Router's
// alternatives for a country with two centres and two trunk groups, the reach check on all of
// them, the ROUTE_* variables, and RouteNext() stepping through them.
#include <cppunit/extensions/HelperMacros.h>

#include <set>
#include <string>
#include <vector>

#include "dialplan/Execution.h"
#include "modules/app_route/RouteApplication.h"
#include "routing/Alternatives.h"
#include "routing/Failover.h"
#include "routing/Peer.h"
#include "routing/Router.h"

using namespace vce::routing;

namespace {

struct DownSet : HostHealth {
    std::set<std::string, std::less<>> hosts;
    bool down(std::string_view h) const override { return hosts.find(h) != hosts.end(); }
};

std::string names(const std::vector<Alternative> &alts) {
    std::string out;
    for (const Alternative &a : alts) out += (out.empty() ? "" : ",") + a.name;
    return out;
}

std::string joined(const Decision &d) {
    std::string out = d.target;
    for (const std::string &a : d.alternatives) out += " | " + a;
    return out;
}

// Korea has this centre; the US two peers' centres (a, b at priority 10, c at 20) and two
// trunk groups here (us-1 priority 10, us-2 priority 20); Japan one centre.
std::shared_ptr<const Snapshot> snapshot(int weight_a = 1, int weight_b = 1) {
    SnapshotBuilder b;
    CentreRow a{"us-a", "001", "10.0.1.1:5060", false, 10, weight_a};
    CentreRow bb{"us-b", "001", "10.0.1.2:5060", false, 10, weight_b};
    CentreRow c{"us-c", "001", "10.0.1.3:5060", false, 20, 1};
    b.add_builtin_countries()
        .add_centre({"seoul", "082", "10.0.0.1:5060", true})
        .add_centre(c)  // added first, but priority 20
        .add_centre(a)
        .add_centre(bb)
        .add_centre({"tokyo", "081", "10.0.2.1:5060", false})
        .add_account("acme-us")
        .add_branch("62006200", "001", "acme-us");
    TrunkRow t2{"kr-2", "082", 20, "", 1};
    TrunkRow t1{"kr-1", "082", 10, "", 1};
    TrunkRow tj{"jp-gw", "081", 10, "tokyo", 1};
    b.add_trunk(t2).add_trunk(t1).add_trunk(tj);
    return b.build();
}

}  // namespace

class FailoverTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(FailoverTest);
    CPPUNIT_TEST(testOrderByPriorityWeightHealth);
    CPPUNIT_TEST(testWeightSpreadsCalls);
    CPPUNIT_TEST(testWhichFailureTriesTheNext);
    CPPUNIT_TEST(testCentresOfACountry);
    CPPUNIT_TEST(testTrunkGroups);
    CPPUNIT_TEST(testReachAppliesToEveryAlternative);
    CPPUNIT_TEST(testVariablesAndRouteNext);
    CPPUNIT_TEST_SUITE_END();

public:
    void testOrderByPriorityWeightHealth() {
        struct {
            std::vector<Alternative> in;
            uint64_t spread;
            std::vector<std::string> down;
            const char *want;
        } rows[] = {
            // priority first, the input's order kept among equals at spread 0
            {{{"", "h1", "a", 20, 1}, {"", "h2", "b", 10, 1}, {"", "h3", "c", 10, 1}},
             0,
             {},
             "b,c,a"},
            // spread 1: the second of the equal pair first
            {{{"", "h1", "a", 20, 1}, {"", "h2", "b", 10, 1}, {"", "h3", "c", 10, 1}},
             1,
             {},
             "c,b,a"},
            // weight 0 is after the weighted ones, whatever the spread
            {{{"", "h1", "a", 10, 0}, {"", "h2", "b", 10, 1}}, 0, {}, "b,a"},
            {{{"", "h1", "a", 10, 0}, {"", "h2", "b", 10, 1}}, 1, {}, "b,a"},
            // all of weight 0: each counts 1
            {{{"", "h1", "a", 10, 0}, {"", "h2", "b", 10, 0}}, 1, {}, "b,a"},
            // a down host is skipped
            {{{"", "h1", "a", 10, 1}, {"", "h2", "b", 10, 1}, {"", "h3", "c", 20, 1}},
             0,
             {"h1"},
             "b,c"},
            // every one down: all kept, in order
            {{{"", "h1", "a", 10, 1}, {"", "h2", "b", 20, 1}}, 0, {"h1", "h2"}, "a,b"},
            // a TDM group (no host) is never down
            {{{"", "", "tdm", 10, 1}, {"", "h2", "b", 20, 1}}, 0, {"h2"}, "tdm"},
        };
        for (auto &r : rows) {
            DownSet health;
            for (const std::string &h : r.down) health.hosts.insert(h);
            std::vector<Alternative> alts = r.in;
            order_alternatives(alts, r.spread, &health);
            CPPUNIT_ASSERT_EQUAL(std::string(r.want), names(alts));
        }
    }

    void testWeightSpreadsCalls() {
        // Weights 3:1 over 8 consecutive calls: a first 6 times, b twice.
        int first_a = 0;
        for (uint64_t call = 0; call < 8; ++call) {
            std::vector<Alternative> alts{{"", "h1", "a", 10, 3}, {"", "h2", "b", 10, 1}};
            order_alternatives(alts, call, nullptr);
            CPPUNIT_ASSERT_EQUAL(size_t(2), alts.size());
            first_a += alts.front().name == "a";
        }
        CPPUNIT_ASSERT_EQUAL(6, first_a);
    }

    void testWhichFailureTriesTheNext() {
        struct {
            const char *dialstatus;
            int sip;
            bool next;
        } rows[] = {
            {"CONGESTION", 503, true},   {"CONGESTION", 500, true},   {"NOANSWER", 408, true},
            {"CHANUNAVAIL", 0, true},    {"CONGESTION", 0, true},     {"BUSY", 486, false},
            {"CHANUNAVAIL", 404, false}, {"CHANUNAVAIL", 604, false}, {"NOANSWER", 480, false},
            {"BUSY", 600, false},        {"CONGESTION", 403, false},  {"ANSWER", 200, false},
            {"CANCEL", 487, false},      {"BUSY", 503, false},        {"NOANSWER", 0, false},
        };
        for (auto &r : rows)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(r.dialstatus) + " " + std::to_string(r.sip),
                                         r.next, try_next_alternative(r.dialstatus, r.sip));
    }

    void testCentresOfACountry() {
        auto snap = snapshot();
        Router router;
        // The US branch: its country's centres by priority, the pair spread by the call counter.
        RouteConditions when;
        Decision d = router.route(*snap, "62006200#001", "", "082", nullptr, when);
        CPPUNIT_ASSERT(d.cls == RouteClass::RemoteCentre);
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/10.0.1.1:5060/62006200%23001 | "
                                         "SIP/10.0.1.2:5060/62006200%23001 | "
                                         "SIP/10.0.1.3:5060/62006200%23001"),
                             joined(d));
        when.spread = 1;
        d = router.route(*snap, "62006200#001", "", "082", nullptr, when);
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/10.0.1.2:5060/62006200%23001 | "
                                         "SIP/10.0.1.1:5060/62006200%23001 | "
                                         "SIP/10.0.1.3:5060/62006200%23001"),
                             joined(d));
        // us-a stopped answering: skipped at once, and said so in the trace.
        DownSet health;
        health.hosts.insert("10.0.1.1:5060");
        when.health = &health;
        when.spread = 0;
        Trace trace;
        d = router.route(*snap, "62006200#001", "", "082", &trace, when);
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/10.0.1.2:5060/62006200%23001 | "
                                         "SIP/10.0.1.3:5060/62006200%23001"),
                             joined(d));
        CPPUNIT_ASSERT(trace.text().find("centre 'us-a' is down") != std::string::npos);
        // It answers again: taken back.
        health.hosts.clear();
        d = router.route(*snap, "62006200#001", "", "082", nullptr, when);
        CPPUNIT_ASSERT_EQUAL(size_t(2), d.alternatives.size());
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/10.0.1.1:5060/62006200%23001"), d.target);
        // Japan has one centre: no alternatives.
        CPPUNIT_ASSERT_EQUAL(std::string("10.0.2.1:5060"),
                             snap->centres()[snap->centres_for("081").front()].host);
        // This centre is among Korea's: served here, never sent to another.
        CPPUNIT_ASSERT(snap->centre_for("082")->self);
    }

    void testTrunkGroups() {
        auto snap = snapshot();
        Router router;
        Decision d = router.route(*snap, "+82 2 1234 5678", "", "082");
        CPPUNIT_ASSERT(d.cls == RouteClass::Pstn);
        CPPUNIT_ASSERT_EQUAL(std::string("TDM/kr-1/0212345678 | TDM/kr-2/0212345678"), joined(d));
        CPPUNIT_ASSERT_EQUAL(d.target, d.pstn_fallback);
        // A trunk group on a gateway that is down: kept, as it is the only way.
        DownSet health;
        health.hosts.insert("10.0.2.1:5060");
        RouteConditions when;
        when.health = &health;
        d = router.route(*snap, "+81 3 1234 5678", "", "082", nullptr, when);
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/10.0.2.1:5060/+81312345678"), joined(d));
    }

    void testReachAppliesToEveryAlternative() {
        auto snap = snapshot();
        Router router;
        Decision d = router.route(*snap, "+82 2 1234 5678", "", "082");
        CPPUNIT_ASSERT(limit_to_reach(d, Reach::Own));
        CPPUNIT_ASSERT(d.target.empty());
        CPPUNIT_ASSERT(d.alternatives.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("0"), d.variables()["ROUTE_TARGETS"]);
        d = router.route(*snap, "62006200#001", "", "082");
        CPPUNIT_ASSERT(!limit_to_reach(d, Reach::Own));
        CPPUNIT_ASSERT_EQUAL(size_t(2), d.alternatives.size());
    }

    void testVariablesAndRouteNext() {
        using namespace vce::dialplan;
        auto snap = snapshot();
        Router router;
        Registry reg;
        reg.add_application("Route", vce::approute::route_application(
                                         [&](const std::string &n, const std::string &c) {
                                             return router.route(*snap, n, c, "082");
                                         }));
        reg.add_application("RouteNext", vce::approute::route_next_application());
        auto plan = Dialplan::parse("[t]\nexten => _.,1,Route(${EXTEN})\n same => n,RouteNext()\n",
                                    "t.conf");
        struct {
            const char *dialstatus, *sipstatus;
            const char *next, *target, *try_;
        } rows[] = {
            {"CONGESTION", "503", "yes", "SIP/10.0.1.2:5060/62006200%23001", "2"},
            {"NOANSWER", "408", "yes", "SIP/10.0.1.2:5060/62006200%23001", "2"},
            {"BUSY", "486", "no", "SIP/10.0.1.1:5060/62006200%23001", "1"},
            {"CHANUNAVAIL", "404", "no", "SIP/10.0.1.1:5060/62006200%23001", "1"},
        };
        for (auto &r : rows) {
            Execution x(plan, reg, "t", "62006200#001");
            x.set("CALL_REACH", "own");
            x.set("DIALSTATUS", r.dialstatus);
            x.set("DIALSIPSTATUS", r.sipstatus);
            x.run();
            CPPUNIT_ASSERT_EQUAL(std::string("3"), x.get("ROUTE_TARGETS"));
            CPPUNIT_ASSERT_EQUAL(std::string("SIP/10.0.1.3:5060/62006200%23001"),
                                 x.get("ROUTE_TARGET_3"));
            CPPUNIT_ASSERT_EQUAL(std::string(r.next), x.get("ROUTE_NEXT"));
            CPPUNIT_ASSERT_EQUAL(std::string(r.target), x.get("ROUTE_TARGET"));
            CPPUNIT_ASSERT_EQUAL(std::string(r.try_), x.get("ROUTE_TRY"));
        }
        // After the last one, no next.
        auto last = Dialplan::parse(
            "[t]\nexten => _.,1,Set(ROUTE_TRY=3)\n same => n,Set(ROUTE_TARGETS=3)\n same => "
            "n,RouteNext()\n",
            "l.conf");
        Execution x(last, reg, "t", "1");
        x.set("DIALSTATUS", "CONGESTION");
        x.run();
        CPPUNIT_ASSERT_EQUAL(std::string("no"), x.get("ROUTE_NEXT"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FailoverTest);
