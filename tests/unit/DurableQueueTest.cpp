// Unit tests for the durable-write queue: bounds, order, batching, refusals,
// exactly-once after reconnect, and the spool kept across a restart.
#include <cppunit/extensions/HelperMacros.h>
#include <unistd.h>

#include "modules/res_pgsql/DurableQueue.h"

using namespace vce;
using namespace vce::pgsql;

class DurableQueueTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DurableQueueTest);
    CPPUNIT_TEST(full_queue_refuses_instead_of_dropping);
    CPPUNIT_TEST(batches_in_order_and_callbacks);
    CPPUNIT_TEST(retry_keeps_order);
    CPPUNIT_TEST(refused_write_reported_others_kept);
    CPPUNIT_TEST(committed_upto_drops_already_applied);
    CPPUNIT_TEST(spool_round_trip_with_nulls_and_newlines);
    CPPUNIT_TEST(sequence_start_grows);
    CPPUNIT_TEST(closed_queue_refuses);
    CPPUNIT_TEST_SUITE_END();

    std::vector<std::string> log_;
    Database::CommitCallback note(const std::string &name) {
        return [this, name](bool ok, const std::string &err) {
            log_.push_back(name + (ok ? " ok" : " fail:" + err));
        };
    }

public:
    void setUp() override { log_.clear(); }

    void full_queue_refuses_instead_of_dropping() {
        DurableQueue q(2, 1);
        CPPUNIT_ASSERT(q.admit("a", {}, note("a")) == WriteAdmission::Accepted);
        CPPUNIT_ASSERT(q.admit("b", {}, note("b")) == WriteAdmission::Accepted);
        CPPUNIT_ASSERT(q.admit("c", {}, note("c")) == WriteAdmission::Full);
        CPPUNIT_ASSERT_EQUAL(size_t(2), q.size());
        CPPUNIT_ASSERT(log_.empty());  // nothing silently finished
    }
    void batches_in_order_and_callbacks() {
        DurableQueue q(10, 100);
        for (const char *n : {"a", "b", "c"}) q.admit(n, {}, note(n));
        auto b = q.take_batch(2);
        CPPUNIT_ASSERT_EQUAL(size_t(2), b.size());
        CPPUNIT_ASSERT_EQUAL(std::string("a"), b[0]->sql);
        CPPUNIT_ASSERT_EQUAL(uint64_t(101), b[1]->seq);
        CPPUNIT_ASSERT(q.take_batch(2).empty());  // one batch in flight at a time
        q.batch_committed();
        CPPUNIT_ASSERT((log_ == std::vector<std::string>{"a ok", "b ok"}));
        CPPUNIT_ASSERT_EQUAL(std::string("c"), q.take_batch(5)[0]->sql);
    }
    void retry_keeps_order() {
        DurableQueue q(10, 1);
        for (const char *n : {"a", "b"}) q.admit(n, {}, note(n));
        q.take_batch(10);
        q.admit("c", {}, note("c"));
        q.batch_retry();
        auto b = q.take_batch(10);
        CPPUNIT_ASSERT_EQUAL(size_t(3), b.size());
        CPPUNIT_ASSERT_EQUAL(std::string("c"), b[2]->sql);
        CPPUNIT_ASSERT(log_.empty());
    }
    void refused_write_reported_others_kept() {
        DurableQueue q(10, 1);
        for (const char *n : {"a", "b", "c"}) q.admit(n, {}, note(n));
        q.take_batch(10);
        q.batch_refused(1, "duplicate key");
        CPPUNIT_ASSERT((log_ == std::vector<std::string>{"b fail:duplicate key"}));
        auto b = q.take_batch(10);
        CPPUNIT_ASSERT_EQUAL(size_t(2), b.size());
        CPPUNIT_ASSERT_EQUAL(std::string("c"), b[1]->sql);
    }
    void committed_upto_drops_already_applied() {
        // The connection died after COMMIT but before we heard of it: the log says
        // seq 2 is in, so a and b must not be applied a second time.
        DurableQueue q(10, 1);
        for (const char *n : {"a", "b", "c"}) q.admit(n, {}, note(n));
        q.take_batch(2);
        q.committed_upto(2);
        CPPUNIT_ASSERT((log_ == std::vector<std::string>{"a ok", "b ok"}));
        CPPUNIT_ASSERT_EQUAL(size_t(1), q.size());
        CPPUNIT_ASSERT_EQUAL(uint64_t(3), q.take_batch(10)[0]->seq);
    }
    void spool_round_trip_with_nulls_and_newlines() {
        std::string path = "/tmp/vce-spooltest-" + std::to_string(getpid());
        {
            DurableQueue q(10, 7);
            q.admit("INSERT INTO t VALUES ($1, $2)", {std::string("line\none"), std::nullopt},
                    nullptr);
            q.admit("UPDATE t SET x = $1", {std::string("")}, nullptr);
            CPPUNIT_ASSERT_EQUAL(std::string(""), q.save(path));
        }
        std::deque<DurableWrite> back;
        CPPUNIT_ASSERT_EQUAL(std::string(""), DurableQueue::load(path, back));
        CPPUNIT_ASSERT_EQUAL(size_t(2), back.size());
        CPPUNIT_ASSERT_EQUAL(uint64_t(7), back[0].seq);
        CPPUNIT_ASSERT_EQUAL(std::string("line\none"), *back[0].params[0]);
        CPPUNIT_ASSERT(!back[0].params[1]);
        CPPUNIT_ASSERT_EQUAL(std::string(""), *back[1].params[0]);
        DurableQueue q2(10, 100);
        q2.admit("new", {}, nullptr);
        q2.restore(std::move(back));
        auto b = q2.take_batch(10);
        CPPUNIT_ASSERT_EQUAL(std::string("new"), b[2]->sql);  // spooled writes first
        // An empty queue removes the spool file.
        DurableQueue empty(1, 1);
        CPPUNIT_ASSERT_EQUAL(std::string(""), empty.save(path));
        CPPUNIT_ASSERT(access(path.c_str(), F_OK) != 0);
    }
    void sequence_start_grows() {
        uint64_t a = sequence_start(0);
        CPPUNIT_ASSERT(a > (uint64_t(1600000000000) << 20));
        CPPUNIT_ASSERT_EQUAL(a * 4 + 1, sequence_start(a * 4));  // above a spooled seq
    }
    void closed_queue_refuses() {
        DurableQueue q(10, 1);
        q.close();
        CPPUNIT_ASSERT(q.admit("a", {}, nullptr) == WriteAdmission::Closed);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DurableQueueTest);
