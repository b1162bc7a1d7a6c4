// res_sms: the per-sender rate limit from tables (burst, refill, senders apart, no limit).
#include <cppunit/extensions/HelperMacros.h>

#include "modules/res_sms/SenderRate.h"

using namespace vce::sms;

class SmsSenderRateTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SmsSenderRateTest);
    CPPUNIT_TEST(burstThenRefill);
    CPPUNIT_TEST(noLimit);
    CPPUNIT_TEST_SUITE_END();

public:
    void burstThenRefill() {
        SenderRate rate(6);  // one message per 10 s after a burst of 6
        struct Row {
            const char *sender;
            double at;
            bool allowed;
        } rows[] = {
            {"a", 0, true},    {"a", 0, true},   {"a", 0, true},    {"a", 0, true},
            {"a", 0, true},    {"a", 0, true},   {"a", 0, false},   {"b", 0, true},
            {"a", 5, false},   {"a", 10.1, true}, {"a", 10.2, false}, {"a", 100, true},
        };
        for (const auto &row : rows)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(row.sender) + "@" + std::to_string(row.at),
                                         row.allowed, rate.take(row.sender, row.at));
    }
    void noLimit() {
        SenderRate rate(0);
        for (int i = 0; i < 10000; ++i) CPPUNIT_ASSERT(rate.take("a", 0));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SmsSenderRateTest);
