// The rate limit of sofia-sip's log lines: a burst goes through, then the rate; what is held
// back is counted and reported with the next line written.
#include <cppunit/extensions/HelperMacros.h>

#include "modules/chan_sip/LogRateLimit.h"

using namespace vce::sip;

class ChanSipLogRateLimitTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanSipLogRateLimitTest);
    CPPUNIT_TEST(burstThenRate);
    CPPUNIT_TEST(floodKeepsToTheRate);
    CPPUNIT_TEST_SUITE_END();

public:
    void burstThenRate() {
        struct Step {
            double now;
            bool log;
            unsigned suppressed;
        } steps[] = {
            {0.0, true, 0},  {0.0, true, 0},   {0.0, true, 0},  // the burst of 3
            {0.0, false, 0}, {0.25, false, 0},                  // empty: held back, counted
            {0.5, true, 2},                   // a token after 0.5 s at 2/s; says 2 dropped
            {0.5, false, 0}, {1.0, true, 1},  //
            {9.0, true, 0},  {9.0, true, 0},   {9.0, true, 0},  // refilled to the burst, not beyond
            {9.0, false, 0}, {8.0, false, 0},                   // time never runs back
        };
        LogRateLimit limit(3, 2);
        int i = 0;
        for (const Step &s : steps) {
            LogRateLimit::Verdict v = limit.admit(s.now);
            const std::string what = "step " + std::to_string(i++);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, s.log, v.log);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, static_cast<uint64_t>(s.suppressed), v.suppressed);
        }
    }
    void floodKeepsToTheRate() {
        // 100,000 lines in 10 s (10 per ms): 20 at once plus 5 a second = 70 written.
        LogRateLimit limit(20, 5);
        uint64_t written = 0, reported = 0;
        for (int k = 0; k < 100000; ++k) {
            LogRateLimit::Verdict v = limit.admit(k / 10000.0);
            written += v.log;
            reported += v.suppressed;
        }
        CPPUNIT_ASSERT(written >= 69 && written <= 71);
        // Every drop is reported with a later line, but those after the last line written
        // (less than 0.2 s of the flood at 5 lines a second).
        CPPUNIT_ASSERT(reported <= 100000 - written);
        CPPUNIT_ASSERT(100000 - written - reported < 2000);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanSipLogRateLimitTest);
