// chan_sip's CallRecord: the one way a call leg's CDR is begun, rung, answered and closed.
#include <cppunit/extensions/HelperMacros.h>

#include "modules/chan_sip/CallRecord.h"

using namespace vce::sip;

class ChanSipCallRecordTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanSipCallRecordTest);
    CPPUNIT_TEST(failedLegTakesItsOutcome);
    CPPUNIT_TEST(answeredLegStaysAnswer);
    CPPUNIT_TEST(closedOnce);
    CPPUNIT_TEST(ringTimeIsTheFirst);
    CPPUNIT_TEST(newLegStartsAgain);
    CPPUNIT_TEST(billableSecondsRound);
    CPPUNIT_TEST_SUITE_END();

public:
    void failedLegTakesItsOutcome() {
        CallRecord r;
        r.begin(100);
        CPPUNIT_ASSERT(r.close(104, "BUSY", 486));
        CPPUNIT_ASSERT_EQUAL(std::string("BUSY"), r.disposition);
        CPPUNIT_ASSERT_EQUAL(486, r.status);
        CPPUNIT_ASSERT_EQUAL(104.0, r.ended);
        CPPUNIT_ASSERT_EQUAL(0L, r.billable_seconds());
    }
    void answeredLegStaysAnswer() {
        CallRecord r;
        r.begin(100);
        r.answer(102, 200);
        CPPUNIT_ASSERT(r.close(130, "CANCEL", 487));  // whatever ends it
        CPPUNIT_ASSERT_EQUAL(std::string("ANSWER"), r.disposition);
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        CPPUNIT_ASSERT_EQUAL(28L, r.billable_seconds());
    }
    void closedOnce() {
        CallRecord r;
        r.begin(100);
        CPPUNIT_ASSERT(r.close(101, "NOANSWER", 480));
        CPPUNIT_ASSERT(!r.close(105, "CANCEL", 487));
        CPPUNIT_ASSERT_EQUAL(std::string("NOANSWER"), r.disposition);
        CPPUNIT_ASSERT_EQUAL(101.0, r.ended);
    }
    void ringTimeIsTheFirst() {
        CallRecord r;
        r.begin(100);
        r.ringing(101);
        r.ringing(103);
        CPPUNIT_ASSERT_EQUAL(101.0, r.ring);
    }
    void newLegStartsAgain() {
        CallRecord r;
        r.begin(100);
        r.ringing(101);
        r.close(102, "BUSY", 486);
        r.leg = 2;
        r.begin(110);
        CPPUNIT_ASSERT_EQUAL(0.0, r.ring);
        CPPUNIT_ASSERT_EQUAL(0.0, r.ended);
        CPPUNIT_ASSERT(r.disposition.empty());
        CPPUNIT_ASSERT(r.close(111, "CHANUNAVAIL", 480));
        CPPUNIT_ASSERT_EQUAL(std::string("CHANUNAVAIL"), r.disposition);
    }
    void billableSecondsRound() {
        CallRecord r;
        r.begin(0);
        r.answer(10.0, 200);
        r.close(19.6);
        CPPUNIT_ASSERT_EQUAL(10L, r.billable_seconds());
        CallRecord s;
        s.begin(0);
        s.answer(10.0, 200);
        s.close(19.4);
        CPPUNIT_ASSERT_EQUAL(9L, s.billable_seconds());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanSipCallRecordTest);
