// chan_sip's DialStatus: what SIP final statuses mean for the dialplan (shared by proxied calls
// and the channel technology SIP that TDM callers use).
#include <cppunit/extensions/HelperMacros.h>

#include "modules/chan_sip/DialStatus.h"

using namespace vce::sip;

class ChanSipDialStatusTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanSipDialStatusTest);
    CPPUNIT_TEST(statusesMapToDialstatus);
    CPPUNIT_TEST(busyWinsOverTimeoutsAmongForks);
    CPPUNIT_TEST_SUITE_END();

public:
    void statusesMapToDialstatus() {
        CPPUNIT_ASSERT_EQUAL(std::string("ANSWER"), dialstatus_of(200));
        CPPUNIT_ASSERT_EQUAL(std::string("BUSY"), dialstatus_of(486));
        CPPUNIT_ASSERT_EQUAL(std::string("BUSY"), dialstatus_of(600));
        CPPUNIT_ASSERT_EQUAL(std::string("NOANSWER"), dialstatus_of(408));
        CPPUNIT_ASSERT_EQUAL(std::string("NOANSWER"), dialstatus_of(480));
        CPPUNIT_ASSERT_EQUAL(std::string("NOANSWER"), dialstatus_of(487));
        CPPUNIT_ASSERT_EQUAL(std::string("CHANUNAVAIL"), dialstatus_of(404));
        CPPUNIT_ASSERT_EQUAL(std::string("CONGESTION"), dialstatus_of(503));
        CPPUNIT_ASSERT_EQUAL(std::string("CONGESTION"), dialstatus_of(488));
    }

    void busyWinsOverTimeoutsAmongForks() {
        CPPUNIT_ASSERT(failure_rank(600) > failure_rank(486));
        CPPUNIT_ASSERT(failure_rank(486) > failure_rank(404));
        CPPUNIT_ASSERT(failure_rank(404) > failure_rank(480));
        CPPUNIT_ASSERT(failure_rank(480) > failure_rank(503));
        CPPUNIT_ASSERT_EQUAL(0, failure_rank(200));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanSipDialStatusTest);
