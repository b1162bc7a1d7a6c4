// The durable-write queue (pure logic): bounded, ordered, batched, replay-safe.
//
// Every write gets a sequence number that only grows, also across restarts. A batch
// commits its writes together with "node's last applied seq" in one transaction, so
// after a lost connection the queue asks the database how far it got and drops what
// was already committed: each write is applied exactly once.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "vce/Database.h"

namespace vce {
namespace pgsql {

struct DurableWrite {
    uint64_t seq = 0;
    std::string sql;
    SqlParams params;
    Database::CommitCallback done;  // may be empty (replayed from the spool)
};

class DurableQueue {
public:
    DurableQueue(size_t capacity, uint64_t first_seq);

    WriteAdmission admit(std::string sql, SqlParams params, Database::CommitCallback done);

    // Takes up to max writes from the front for one batch (they stay queued until
    // committed or failed). Returns an empty batch if one is already in flight.
    std::vector<const DurableWrite *> take_batch(size_t max);
    bool in_flight() const { return in_flight_ > 0; }

    // The batch committed: its writes leave the queue and their callbacks run.
    void batch_committed();
    // The batch did not commit (connection lost, transient error): retried later.
    void batch_retry();
    // The write at `index` of the batch was refused by the server for good: it leaves
    // the queue with the error; the others are retried in their order.
    void batch_refused(size_t index, const std::string &error);
    // The database says everything up to seq was committed: drop those, as committed.
    void committed_upto(uint64_t seq);

    size_t size() const { return q_.size(); }
    size_t capacity() const { return capacity_; }
    uint64_t last_admitted() const { return next_seq_ - 1; }
    bool closed() const { return closed_; }
    void close() { closed_ = true; }

    // Persist what is still queued (written atomically via a temp file + rename) and
    // read it back at the next start. Errors are returned as messages ("" = fine).
    std::string save(const std::string &path) const;
    static std::string load(const std::string &path, std::deque<DurableWrite> &out);
    void restore(std::deque<DurableWrite> writes);

private:
    void finish_front(size_t n, bool ok, const std::string &error);
    std::deque<DurableWrite> q_;
    size_t capacity_;
    uint64_t next_seq_;
    size_t in_flight_ = 0;
    bool closed_ = false;
};

// A sequence start for this process that is above anything used before: milliseconds
// since the epoch shifted left 20 bits (a million writes per millisecond of uptime).
uint64_t sequence_start(uint64_t at_least);

}  // namespace pgsql
}  // namespace vce
