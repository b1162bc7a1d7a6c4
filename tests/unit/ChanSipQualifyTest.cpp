// chan_sip's qualify counts: a binding is dead after `limit` unanswered OPTIONS in a row,
// an answer starts the count again, forgotten bindings are dropped.
#include <cppunit/extensions/HelperMacros.h>

#include "modules/chan_sip/QualifyCounts.h"

using namespace vce::sip;
using V = QualifyCounts::Verdict;

class ChanSipQualifyTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanSipQualifyTest);
    CPPUNIT_TEST(deadAfterTheLimitInARow);
    CPPUNIT_TEST(forgetsWhatIsGone);
    CPPUNIT_TEST_SUITE_END();

public:
    void deadAfterTheLimitInARow() {
        struct Step {
            bool answered;
            V want;
            int misses;
        } steps[] = {
            {false, V::Missed, 1}, {true, V::Alive, 0},  // an answer starts again
            {false, V::Missed, 1}, {false, V::Missed, 2},
            {false, V::Dead, 0},  // the third in a row: dead, once
            {false, V::Missed, 1},
        };
        QualifyCounts q(3);
        int i = 0;
        for (const Step &s : steps) {
            const V v = s.answered ? q.answered("a") : q.missed("a");
            const std::string what = "step " + std::to_string(i++);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, static_cast<int>(s.want), static_cast<int>(v));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, s.misses, q.misses("a"));
        }
        QualifyCounts one(0);  // a limit below 1 is 1
        CPPUNIT_ASSERT(one.missed("b") == V::Dead);
    }
    void forgetsWhatIsGone() {
        QualifyCounts q(2);
        q.missed("a");
        q.missed("b");
        q.keep_only({"b", "c"});
        CPPUNIT_ASSERT_EQUAL(size_t(1), q.size());
        CPPUNIT_ASSERT_EQUAL(0, q.misses("a"));
        CPPUNIT_ASSERT(q.missed("b") == V::Dead);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanSipQualifyTest);
