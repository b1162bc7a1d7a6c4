// res_sms's decisions from tables: the per-sender rate limit (burst, refill, senders apart, no
// limit) and the retry backoff of stored messages.
#include <cppunit/extensions/HelperMacros.h>

#include "modules/res_sms/Backoff.h"
#include "modules/res_sms/SenderRate.h"

using namespace vce::sms;

class SmsPolicyTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SmsPolicyTest);
    CPPUNIT_TEST(burstThenRefill);
    CPPUNIT_TEST(noLimit);
    CPPUNIT_TEST(backoffDoublesUpToTheCap);
    CPPUNIT_TEST_SUITE_END();

public:
    void burstThenRefill() {
        SenderRate rate(6);  // one message per 10 s after a burst of 6
        struct Row {
            const char *sender;
            double at;
            bool allowed;
        } rows[] = {
            {"a", 0, true},  {"a", 0, true},    {"a", 0, true},     {"a", 0, true},
            {"a", 0, true},  {"a", 0, true},    {"a", 0, false},    {"b", 0, true},
            {"a", 5, false}, {"a", 10.1, true}, {"a", 10.2, false}, {"a", 100, true},
        };
        for (const auto &row : rows)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(row.sender) + "@" + std::to_string(row.at),
                                         row.allowed, rate.take(row.sender, row.at));
    }
    void backoffDoublesUpToTheCap() {
        struct Row {
            int attempts, base, cap, want;
        } rows[] = {{0, 30, 3600, 30},   {1, 30, 3600, 60},     {2, 30, 3600, 120},
                    {7, 30, 3600, 3600}, {100, 30, 3600, 3600}, {0, 5000, 3600, 3600}};
        for (const auto &r : rows)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(std::to_string(r.attempts), r.want,
                                         retry_delay(r.attempts, r.base, r.cap));
    }
    void noLimit() {
        SenderRate rate(0);
        for (int i = 0; i < 10000; ++i) CPPUNIT_ASSERT(rate.take("a", 0));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SmsPolicyTest);
