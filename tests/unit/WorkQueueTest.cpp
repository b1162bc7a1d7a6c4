// vce::WorkQueue and vce::Lifetime: posts from other threads, drain order, close, guards.
#include <cppunit/extensions/HelperMacros.h>
#include <poll.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "vce/Lifetime.h"
#include "vce/WorkQueue.h"

using vce::Lifetime;
using vce::WorkQueue;

class WorkQueueTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(WorkQueueTest);
    CPPUNIT_TEST(posts_from_threads_all_run_in_order_per_thread);
    CPPUNIT_TEST(fd_readable_only_while_work_is_queued);
    CPPUNIT_TEST(work_posted_while_draining_runs_in_the_same_drain);
    CPPUNIT_TEST(close_drops_queued_work_unrun_and_refuses_more);
    CPPUNIT_TEST(guard_skips_work_after_owner_is_gone);
    CPPUNIT_TEST(destruction_waits_for_a_guarded_closure_running_elsewhere);
    CPPUNIT_TEST_SUITE_END();

    static bool readable(int fd) {
        pollfd p{fd, POLLIN, 0};
        return poll(&p, 1, 0) == 1;
    }

public:
    void posts_from_threads_all_run_in_order_per_thread() {
        WorkQueue q;
        std::vector<std::vector<int>> seen(4);
        std::vector<std::thread> ts;
        for (int t = 0; t < 4; ++t)
            ts.emplace_back([&, t] {
                for (int i = 0; i < 1000; ++i) q.post([&seen, t, i] { seen[t].push_back(i); });
            });
        for (auto &t : ts) t.join();
        CPPUNIT_ASSERT_EQUAL(std::size_t(4000), q.drain());
        for (const auto &s : seen) {
            CPPUNIT_ASSERT_EQUAL(std::size_t(1000), s.size());
            for (int i = 0; i < 1000; ++i) CPPUNIT_ASSERT_EQUAL(i, s[i]);
        }
    }
    void fd_readable_only_while_work_is_queued() {
        WorkQueue q;
        CPPUNIT_ASSERT(!readable(q.fd()));
        q.post([] {});
        CPPUNIT_ASSERT(readable(q.fd()));
        q.drain();
        CPPUNIT_ASSERT(!readable(q.fd()));
    }
    void work_posted_while_draining_runs_in_the_same_drain() {
        WorkQueue q;
        int n = 0;
        q.post([&] {
            ++n;
            q.post([&] { ++n; });
        });
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), q.drain());
        CPPUNIT_ASSERT_EQUAL(2, n);
    }
    void close_drops_queued_work_unrun_and_refuses_more() {
        WorkQueue q;
        auto token = std::make_shared<int>(0);
        bool ran = false;
        q.post([token, &ran] { ran = true; });
        CPPUNIT_ASSERT_EQUAL(2L, token.use_count());
        q.close();
        CPPUNIT_ASSERT_EQUAL(1L, token.use_count());  // the closure and its captures are gone
        CPPUNIT_ASSERT(!q.post([&ran] { ran = true; }));
        q.drain();
        CPPUNIT_ASSERT(!ran);
        CPPUNIT_ASSERT(q.closed());
    }
    void guard_skips_work_after_owner_is_gone() {
        WorkQueue q;
        int runs = 0;
        {
            Lifetime owner;
            q.post(owner.guard([&] { ++runs; }));
            q.drain();
            q.post(owner.guard([&] { ++runs; }));
        }
        q.drain();
        CPPUNIT_ASSERT_EQUAL(1, runs);
    }
    void destruction_waits_for_a_guarded_closure_running_elsewhere() {
        auto owner = std::make_unique<Lifetime>();
        std::atomic<bool> started{false}, finished{false};
        std::thread t(owner->guard([&] {
            started = true;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            finished = true;
        }));
        while (!started) std::this_thread::yield();
        owner.reset();  // must wait for the closure
        CPPUNIT_ASSERT(finished.load());
        t.join();
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WorkQueueTest);
