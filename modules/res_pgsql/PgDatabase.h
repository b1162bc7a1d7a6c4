// vce::Database on PostgreSQL: a reader connection (queries, LISTEN) and a writer
// connection that commits the durable queue in pipelined batches (group commit).
#pragma once

#include <map>
#include <memory>

#include "DurableQueue.h"
#include "PgConnection.h"
#include "vce/Database.h"

namespace vce {
namespace pgsql {

struct PgSettings {
    std::map<std::string, std::string> conn;  // libpq keywords
    size_t queue_max = 100000;
    size_t batch_max = 1000;
    std::string spool;  // where queued writes wait across a restart
    std::string node;
};

class PgDatabase : public Database {
public:
    PgDatabase(event_base *base, PgSettings settings);
    ~PgDatabase() override;  // spools what is not committed

    void start();
    // Until ready(), on_connection callbacks wait and connected() is false, so other
    // modules do not read tables that a migration is still creating.
    void hold_until_ready() { held_ = true; }
    void ready();
    void query(const std::string &sql, SqlParams params, ResultCallback done) override;
    void query_rows(const std::string &sql, SqlParams params, RowsCallback done) override;
    WriteAdmission write(const std::string &sql, SqlParams params, CommitCallback done) override;
    int listen(const std::string &channel, NotifyCallback cb) override;
    void unlisten(int subscription) override;
    int on_connection(std::function<void(bool)> cb) override;
    void off_connection(int subscription) override { conn_cbs_.erase(subscription); }
    bool connected() const override { return !held_ && reader_->up() && writer_->up(); }
    size_t queued_writes() const override { return queue_.size(); }

    std::string status() const;
    const PgSettings &settings() const { return settings_; }
    uint64_t committed_seq() const { return committed_seq_; }

private:
    class BatchJob;
    class QueryJob;
    class RowsJob;
    class ResumeJob;
    void pump();
    void writer_up(bool up);
    void send_listen(const std::string &channel);
    void schedule_retry();
    static void on_retry(evutil_socket_t, short, void *arg);

    event_base *base_;
    PgSettings settings_;
    std::unique_ptr<PgConnection> reader_, writer_;
    DurableQueue queue_;
    bool writer_ready_ = false;  // resumed (knows the committed seq)
    uint64_t committed_seq_ = 0;
    std::map<std::string, bool> prepared_;               // writer: statement text -> prepared
    std::map<std::string, std::string> prepared_names_;  // statement text -> name
    event *retry_ = nullptr;
    struct Sub {
        std::string channel;
        NotifyCallback cb;
    };
    std::map<int, Sub> subs_;
    std::map<int, std::function<void(bool)>> conn_cbs_;
    int next_id_ = 1;
    bool held_ = false;
    uint64_t batches_ = 0, committed_ = 0, refused_ = 0, full_ = 0;
};

}  // namespace pgsql
}  // namespace vce
