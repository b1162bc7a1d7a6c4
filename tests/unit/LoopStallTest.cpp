// vce::LoopStalls: how late each tick of the core loop's watch timer was, counted from a table.
#include <cppunit/extensions/HelperMacros.h>

#include "core/LoopStall.h"

using vce::LoopStalls;
using Us = LoopStalls::Us;
using std::chrono::milliseconds;

class LoopStallTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LoopStallTest);
    CPPUNIT_TEST(late_ticks_are_counted_by_how_late);
    CPPUNIT_TEST(an_early_or_punctual_tick_is_no_stall);
    CPPUNIT_TEST(reset_forgets_everything);
    CPPUNIT_TEST_SUITE_END();

public:
    void late_ticks_are_counted_by_how_late() {
        struct Row {
            long elapsed_ms;
            long longest_ms;
            unsigned over10, over100, over1s;
        };
        // Interval 5 ms: a tick after 15 ms is 10 ms late.
        const Row rows[] = {
            {5, 0, 0, 0, 0},     {14, 9, 0, 0, 0},   {15, 10, 1, 0, 0},     {6, 10, 1, 0, 0},
            {105, 100, 2, 1, 0}, {40, 100, 3, 1, 0}, {1005, 1000, 4, 2, 1}, {5, 1000, 4, 2, 1},
        };
        LoopStalls s;
        auto t = LoopStalls::Clock::time_point{};
        unsigned n = 0;
        for (const auto &r : rows) {
            t += milliseconds(r.elapsed_ms);
            s.tick(milliseconds(5), milliseconds(r.elapsed_ms), t);
            ++n;
            CPPUNIT_ASSERT_EQUAL(static_cast<long>(milliseconds(r.longest_ms).count() * 1000),
                                 static_cast<long>(s.longest().count()));
            CPPUNIT_ASSERT_EQUAL(static_cast<unsigned long>(r.over10),
                                 static_cast<unsigned long>(s.over_10ms()));
            CPPUNIT_ASSERT_EQUAL(static_cast<unsigned long>(r.over100),
                                 static_cast<unsigned long>(s.over_100ms()));
            CPPUNIT_ASSERT_EQUAL(static_cast<unsigned long>(r.over1s),
                                 static_cast<unsigned long>(s.over_1s()));
            CPPUNIT_ASSERT_EQUAL(static_cast<unsigned long>(n),
                                 static_cast<unsigned long>(s.ticks()));
        }
    }

    void an_early_or_punctual_tick_is_no_stall() {
        LoopStalls s;
        s.tick(milliseconds(5), milliseconds(3), LoopStalls::Clock::time_point{});
        s.tick(milliseconds(5), milliseconds(5), LoopStalls::Clock::time_point{});
        CPPUNIT_ASSERT(s.longest() == Us{0});
        CPPUNIT_ASSERT_EQUAL(2ul, static_cast<unsigned long>(s.ticks()));
    }

    void reset_forgets_everything() {
        LoopStalls s;
        s.tick(milliseconds(5), milliseconds(500), LoopStalls::Clock::time_point{});
        s.reset();
        CPPUNIT_ASSERT(s.longest() == Us{0});
        CPPUNIT_ASSERT_EQUAL(0ul, static_cast<unsigned long>(s.over_100ms() + s.ticks()));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LoopStallTest);
