// chan_sip's ForkSet: the one bookkeeping of forks shared by the proxied INVITE, the UAC
// INVITE and the MESSAGE relay (best failure by one ranking, when all have answered, which
// forks a CANCEL goes to), from tables.
#include <cppunit/extensions/HelperMacros.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>

#include <vector>

#include "modules/chan_sip/ForkSet.h"

using namespace vce::sip;

namespace {
struct TestFork : ForkBase {
    int n = 0;
};
ForkSet<TestFork> forks_of(int count) {
    ForkSet<TestFork> set;
    for (int i = 0; i < count; ++i) {
        auto f = std::make_unique<TestFork>();
        f->n = i;
        set.add(std::move(f));
    }
    return set;
}
TestFork &nth(ForkSet<TestFork> &set, int i) {
    auto it = set.begin();
    std::advance(it, i);
    return **it;
}
}  // namespace

class ChanSipForkSetTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanSipForkSetTest);
    CPPUNIT_TEST(bestFailureFromTable);
    CPPUNIT_TEST(retransmittedFinalIsRecordedOnce);
    CPPUNIT_TEST(cancelledForksCountForProxiesNotForUacs);
    CPPUNIT_TEST(cancelSkipsTheWinnerAndAnsweredForks);
    CPPUNIT_TEST(bestResponseTravelsWithBestStatus);
    CPPUNIT_TEST(clearForgetsForksAndBest);
    CPPUNIT_TEST_SUITE_END();

public:
    void bestFailureFromTable() {
        struct Row {
            std::vector<int> finals;
            int best;
        };
        const std::vector<Row> rows = {
            {{486, 480}, 486},       // busy beats no answer
            {{480, 486}, 486},       // whatever the order
            {{480, 404}, 404},       // a telling 4xx beats a timeout
            {{503, 480}, 480},       // a timeout beats a server error
            {{486, 600}, 600},       // 6xx beats everything
            {{408}, 408},            // one fork: its failure
            {{503, 503, 502}, 503},  // equal rank: the first stays
            {{302}, 302},            // a redirect alone is still the answer to give
            {{302, 486}, 486},       // but any failure is preferred to it
        };
        for (const Row &r : rows) {
            auto set = forks_of(static_cast<int>(r.finals.size()));
            for (size_t i = 0; i < r.finals.size(); ++i) {
                CPPUNIT_ASSERT(!set.all_final());
                CPPUNIT_ASSERT(set.record_final(nth(set, static_cast<int>(i)), r.finals[i]));
            }
            CPPUNIT_ASSERT(set.all_final());
            CPPUNIT_ASSERT_EQUAL(r.best, set.best_status());
        }
    }

    void retransmittedFinalIsRecordedOnce() {
        auto set = forks_of(2);
        CPPUNIT_ASSERT(set.record_final(nth(set, 0), 480));
        CPPUNIT_ASSERT(!set.record_final(nth(set, 0), 486));
        CPPUNIT_ASSERT_EQUAL(480, nth(set, 0).status);
        CPPUNIT_ASSERT_EQUAL(480, set.best_status());
        CPPUNIT_ASSERT(set.record_final(nth(set, 1), 200));  // a 2xx is no failure
        CPPUNIT_ASSERT_EQUAL(480, set.best_status());
    }

    void cancelledForksCountForProxiesNotForUacs() {
        auto set = forks_of(3);
        set.record_final(nth(set, 0), 200);
        set.cancel_pending(&nth(set, 0));
        CPPUNIT_ASSERT(nth(set, 1).cancelled && nth(set, 2).cancelled);
        CPPUNIT_ASSERT(!nth(set, 1).pending());
        CPPUNIT_ASSERT(set.all_final(true));    // a proxy does not wait for the 487s
        CPPUNIT_ASSERT(!set.all_final(false));  // a UAC does: a 2xx may cross the CANCEL
        set.record_final(nth(set, 1), 487);
        set.record_final(nth(set, 2), 200);  // the late 2xx is still recorded (to BYE it)
        CPPUNIT_ASSERT(set.all_final(false));
        CPPUNIT_ASSERT_EQUAL(200, nth(set, 2).status);
    }

    void cancelSkipsTheWinnerAndAnsweredForks() {
        auto set = forks_of(3);
        set.record_final(nth(set, 1), 486);
        set.cancel_pending(&nth(set, 0));
        CPPUNIT_ASSERT(!nth(set, 0).cancelled);  // the winner
        CPPUNIT_ASSERT(!nth(set, 1).cancelled);  // answered already: nothing to cancel
        CPPUNIT_ASSERT(nth(set, 2).cancelled);
        set.cancel_pending();
        CPPUNIT_ASSERT(nth(set, 0).cancelled);
    }

    void bestResponseTravelsWithBestStatus() {
        auto set = forks_of(3);
        msg_t *busy = msg_create(sip_default_mclass(), 0);
        msg_t *gone = msg_create(sip_default_mclass(), 0);
        msg_t *down = msg_create(sip_default_mclass(), 0);
        set.record_final(nth(set, 0), 480, MsgRef(gone));
        set.record_final(nth(set, 1), 486, MsgRef(busy));
        set.record_final(nth(set, 2), 503, MsgRef(down));  // worse: dropped
        CPPUNIT_ASSERT(set.has_best_response());
        MsgRef best = set.take_best_response();
        CPPUNIT_ASSERT(best.get() == busy);
        CPPUNIT_ASSERT(!set.has_best_response());
        set.set_best(480);  // the Dial timer decided
        CPPUNIT_ASSERT_EQUAL(480, set.best_status());
    }

    void clearForgetsForksAndBest() {
        auto set = forks_of(2);
        set.record_final(nth(set, 0), 486);
        set.clear();
        CPPUNIT_ASSERT(set.empty());
        CPPUNIT_ASSERT_EQUAL(0, set.best_status());
        CPPUNIT_ASSERT(set.all_final());  // nothing to wait for
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanSipForkSetTest);
