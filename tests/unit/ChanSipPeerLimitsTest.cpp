// chan_sip's PeerCallLimits: a peer's concurrent calls and new calls per second, and the
// PeerChannel that gives a call's channel back wherever the call ends.
#include <cppunit/extensions/HelperMacros.h>

#include "modules/chan_sip/PeerCallLimits.h"

using namespace vce::sip;
using V = PeerCallLimits::Verdict;

class ChanSipPeerLimitsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanSipPeerLimitsTest);
    CPPUNIT_TEST(channelsAreCountedPerPeer);
    CPPUNIT_TEST(callsPerSecondRefill);
    CPPUNIT_TEST(aChannelIsGivenBackOnceWhereverItEnds);
    CPPUNIT_TEST_SUITE_END();

public:
    void channelsAreCountedPerPeer() {
        PeerCallLimits l;
        CPPUNIT_ASSERT(l.admit("a", 2, 0, 0) == V::Admitted);
        CPPUNIT_ASSERT(l.admit("a", 2, 0, 0) == V::Admitted);
        CPPUNIT_ASSERT(l.admit("a", 2, 0, 0) == V::TooManyChannels);
        CPPUNIT_ASSERT(l.admit("b", 2, 0, 0) == V::Admitted);  // another peer: its own count
        l.release("a");
        CPPUNIT_ASSERT(l.admit("a", 2, 0, 0) == V::Admitted);
        CPPUNIT_ASSERT_EQUAL(2, l.active("a"));
        CPPUNIT_ASSERT(l.admit("c", 0, 0, 0) == V::Admitted);  // 0: no limit
        l.release("nobody");                                   // harmless
        l.release("c");
        l.release("c");  // never below zero
        CPPUNIT_ASSERT_EQUAL(0, l.active("c"));
        CPPUNIT_ASSERT_EQUAL(size_t(2), l.active_all().size());
    }

    void callsPerSecondRefill() {
        PeerCallLimits l;
        struct {
            double t;
            V want;
        } rows[] = {
            {10.0, V::Admitted}, {10.1, V::Admitted}, {10.2, V::TooFast},  // a bucket of 2
            {10.6, V::Admitted},                                           // 0.5 s: one more
            {10.7, V::TooFast},  {12.0, V::Admitted}, {12.0, V::Admitted},
            {12.0, V::TooFast},  // full again, never more than 2
        };
        for (const auto &r : rows) {
            const V v = l.admit("p", 0, 2.0, r.t);
            CPPUNIT_ASSERT_MESSAGE(std::to_string(r.t), v == r.want);
            if (v == V::Admitted) l.release("p");
        }
        // Below one call per second the bucket still holds one call.
        PeerCallLimits slow;
        CPPUNIT_ASSERT(slow.admit("p", 0, 0.5, 0) == V::Admitted);
        CPPUNIT_ASSERT(slow.admit("p", 0, 0.5, 1) == V::TooFast);
        CPPUNIT_ASSERT(slow.admit("p", 0, 0.5, 2.1) == V::Admitted);
    }

    void aChannelIsGivenBackOnceWhereverItEnds() {
        PeerCallLimits l;
        CPPUNIT_ASSERT(l.admit("p", 1, 0, 0) == V::Admitted);
        {
            PeerChannel setup(l, "p");
            PeerChannel answered = std::move(setup);  // handed on with the answered call
            PeerChannel empty;
            empty = std::move(answered);
            CPPUNIT_ASSERT_EQUAL(1, l.active("p"));
        }
        CPPUNIT_ASSERT_EQUAL(0, l.active("p"));
        CPPUNIT_ASSERT(l.admit("p", 1, 0, 0) == V::Admitted);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanSipPeerLimitsTest);
