// chan_sip's CentreHealth: a watched host goes down after the configured number of OPTIONS
// unanswered in a row, comes back at its first answer, says so once per change; hosts not
// watched are never down; watching a new list keeps what is known of the hosts still in it.
#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "modules/chan_sip/CentreHealth.h"

using namespace vce::sip;

class ChanSipCentreHealthTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanSipCentreHealthTest);
    CPPUNIT_TEST(testDownAfterMissesUpAtAnswer);
    CPPUNIT_TEST(testWatchList);
    CPPUNIT_TEST_SUITE_END();

public:
    void testDownAfterMissesUpAtAnswer() {
        using C = CentreHealth::Change;
        CentreHealth h(3);
        h.watch({"10.0.0.1:5060"});
        const std::string a = "10.0.0.1:5060";
        CPPUNIT_ASSERT_EQUAL(std::string("unknown"), h.state(a));
        struct {
            bool answered;
            C change;
            bool down;
        } rows[] = {
            {true, C::None, false},  {false, C::None, false},
            {false, C::None, false}, {true, C::None, false},  // an answer resets the count
            {false, C::None, false}, {false, C::None, false},
            {false, C::Down, true},  {false, C::None, true},  // said once
            {true, C::Up, false},    {true, C::None, false},
        };
        int i = 0;
        for (auto &r : rows) {
            C c = r.answered ? h.answered(a) : h.missed(a);
            CPPUNIT_ASSERT_MESSAGE("row " + std::to_string(i), c == r.change);
            CPPUNIT_ASSERT_EQUAL_MESSAGE("row " + std::to_string(i), r.down, h.down(a));
            ++i;
        }
        CPPUNIT_ASSERT_EQUAL(std::string("up"), h.state(a));
        CPPUNIT_ASSERT(!h.down("10.9.9.9:5060"));
        CPPUNIT_ASSERT_EQUAL(std::string(), h.state("10.9.9.9:5060"));
        CPPUNIT_ASSERT(h.missed("10.9.9.9:5060") == C::None);  // not watched: nothing
    }

    void testWatchList() {
        CentreHealth h(1);
        h.watch({"a:1", "b:1"});
        h.missed("a:1");
        CPPUNIT_ASSERT(h.down("a:1"));
        h.watch({"a:1", "c:1"});  // b forgotten, a remembered
        CPPUNIT_ASSERT(h.down("a:1"));
        CPPUNIT_ASSERT_EQUAL(std::string("unknown"), h.state("c:1"));
        CPPUNIT_ASSERT_EQUAL(std::string(), h.state("b:1"));
        CPPUNIT_ASSERT(h.show().find("a:1  down") != std::string::npos);
        h.watch({});
        CPPUNIT_ASSERT(!h.down("a:1"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanSipCentreHealthTest);
