// PostgreSQL database service: reads, LISTEN/NOTIFY and the group-committed durable queue.
#include "PgDatabase.h"

#include <cstring>
#include <set>
#include <sstream>

#include "vce/Log.h"

namespace vce {
namespace pgsql {

namespace {

std::vector<const char *> param_ptrs(const SqlParams &params) {
    std::vector<const char *> v;
    v.reserve(params.size());
    for (const auto &p : params) v.push_back(p ? p->c_str() : nullptr);
    return v;
}

std::string result_error(PGresult *res) {
    const char *m = PQresultErrorMessage(res);
    std::string s = m ? m : "unknown error";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    if (s.rfind("ERROR:  ", 0) == 0) s = s.substr(8);
    return s;
}

// SQLSTATE classes worth retrying: connection, rollback (serialization, deadlock),
// resources, operator intervention, system errors, object in use.
bool transient(const char *sqlstate) {
    if (!sqlstate) return true;
    static const char *const classes[] = {"08", "40", "53", "55", "57", "58"};
    for (const char *c : classes)
        if (std::strncmp(sqlstate, c, 2) == 0) return true;
    return false;
}

// One statement with its parameters, sent as it is (the reads below).
class StatementJob : public PgJob {
public:
    StatementJob(std::string sql, SqlParams params)
        : sql_(std::move(sql)), params_(std::move(params)) {}
    bool send(PGconn *c) override {
        auto p = param_ptrs(params_);
        return PQsendQueryParams(c, sql_.c_str(), static_cast<int>(p.size()), nullptr, p.data(),
                                 nullptr, nullptr, 0) == 1;
    }

private:
    std::string sql_;
    SqlParams params_;
};

}  // namespace

// Reads one statement's rows.
class PgDatabase::QueryJob : public StatementJob {
public:
    QueryJob(std::string sql, SqlParams params, ResultCallback cb)
        : StatementJob(std::move(sql), std::move(params)), cb_(std::move(cb)) {}
    void result(PGresult *res) override {
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
            r_.ok = true;
            for (int c = 0; c < PQnfields(res); ++c) r_.columns.push_back(PQfname(res, c));
            for (int i = 0; i < PQntuples(res); ++i) {
                std::vector<SqlParam> row;
                for (int c = 0; c < PQnfields(res); ++c)
                    row.push_back(PQgetisnull(res, i, c) ? SqlParam()
                                                         : SqlParam(PQgetvalue(res, i, c)));
                r_.rows.push_back(std::move(row));
            }
            const char *n = PQcmdTuples(res);
            r_.affected = n && *n ? std::atol(n) : 0;
        } else {
            r_.ok = false;
            r_.error = result_error(res);
        }
    }
    void done(bool lost) override {
        if (lost) r_ = SqlResult{false, "connection to PostgreSQL lost", {}, {}, 0};
        if (cb_) cb_(r_);
    }

private:
    ResultCallback cb_;
    SqlResult r_;
};

// libpq's result as an SqlRowSet: read in place on any thread, PQclear with the last reference.
class PgRowSet : public SqlRowSet {
public:
    explicit PgRowSet(PGresult *res) : res_(res, &PQclear) {}
    size_t rows() const override { return static_cast<size_t>(PQntuples(res_.get())); }
    size_t columns() const override { return static_cast<size_t>(PQnfields(res_.get())); }
    bool is_null(size_t r, size_t c) const override {
        return c >= columns() || PQgetisnull(res_.get(), static_cast<int>(r), static_cast<int>(c));
    }
    std::string_view text(size_t r, size_t c) const override {
        if (is_null(r, c)) return {};
        int ri = static_cast<int>(r), ci = static_cast<int>(c);
        return {PQgetvalue(res_.get(), ri, ci),
                static_cast<size_t>(PQgetlength(res_.get(), ri, ci))};
    }

private:
    std::unique_ptr<PGresult, void (*)(PGresult *)> res_;
};

// Reads one statement's rows and hands the result over in place (no copy on the core thread).
class PgDatabase::RowsJob : public StatementJob {
public:
    RowsJob(std::string sql, SqlParams params, RowsCallback cb)
        : StatementJob(std::move(sql), std::move(params)), cb_(std::move(cb)) {}
    void result(PGresult *res) override {
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            r_ = SqlRowsResult{false, result_error(res), nullptr};
        }
    }
    bool adopt(PGresult *res) override {
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            result(res);
            return false;
        }
        r_ = SqlRowsResult{true, "", std::make_shared<PgRowSet>(res)};
        return true;
    }
    void done(bool lost) override {
        if (lost)
            r_ = SqlRowsResult{false, "connection to PostgreSQL lost", nullptr};
        else if (!r_.ok && r_.error.empty())
            r_.error = "the statement returned no rows";
        if (cb_) cb_(std::move(r_));
    }

private:
    RowsCallback cb_;
    SqlRowsResult r_;
};

// After the writer connects: make sure the write log exists and learn how far this
// node's writes got, so nothing committed is replayed.
class PgDatabase::ResumeJob : public PgJob {
public:
    explicit ResumeJob(PgDatabase &db) : db_(db) {}
    bool send(PGconn *c) override {
        const char *node = db_.settings_.node.c_str();
        return PQsendQueryParams(c,
                                 "CREATE TABLE IF NOT EXISTS vce_write_log (node text PRIMARY KEY, "
                                 "seq bigint NOT NULL, at timestamptz NOT NULL DEFAULT now())",
                                 0, nullptr, nullptr, nullptr, nullptr, 0) == 1 &&
               PQsendQueryParams(c, "SELECT seq FROM vce_write_log WHERE node = $1", 1, nullptr,
                                 &node, nullptr, nullptr, 0) == 1;
    }
    void result(PGresult *res) override {
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_TUPLES_OK) {
            if (PQntuples(res) == 1) seq_ = std::strtoull(PQgetvalue(res, 0, 0), nullptr, 10);
        } else if (st != PGRES_COMMAND_OK) {
            error_ = result_error(res);
        }
    }
    void done(bool lost) override {
        if (lost) return;
        if (!error_.empty()) {
            VCE_LOG_ERROR("cannot read the durable write log: %s", error_.c_str());
            return;
        }
        db_.committed_seq_ = seq_;
        size_t before = db_.queue_.size();
        db_.queue_.committed_upto(seq_);
        if (before != db_.queue_.size())
            VCE_LOG_NOTICE(
                "durable queue: %zu writes were already committed before the connection dropped",
                before - db_.queue_.size());
        db_.writer_ready_ = true;
        if (db_.queue_.size())
            VCE_LOG_NOTICE("durable queue: replaying %zu writes", db_.queue_.size());
        db_.pump();
    }

private:
    PgDatabase &db_;
    uint64_t seq_ = 0;
    std::string error_;
};

// One group commit: BEGIN, each write (prepared once per connection), log, COMMIT.
class PgDatabase::BatchJob : public PgJob {
public:
    BatchJob(PgDatabase &db, std::vector<const DurableWrite *> batch)
        : db_(db), batch_(std::move(batch)) {}
    bool send(PGconn *c) override {
        if (PQsendQueryParams(c, "BEGIN", 0, nullptr, nullptr, nullptr, nullptr, 0) != 1)
            return false;
        steps_.push_back({Step::Other, 0, ""});
        for (size_t i = 0; i < batch_.size(); ++i) {
            const DurableWrite &w = *batch_[i];
            auto it = db_.prepared_.find(w.sql);
            std::string name;
            if (!names_.count(w.sql) && (it == db_.prepared_.end() || !it->second)) {
                name = "w" + std::to_string(db_.next_id_++);
                if (PQsendPrepare(c, name.c_str(), w.sql.c_str(), 0, nullptr) != 1) return false;
                steps_.push_back({Step::Prepare, i, w.sql});
                names_[w.sql] = name;
                db_.prepared_[w.sql] = false;
            }
            auto p = param_ptrs(w.params);
            const std::string &n = names_.count(w.sql) ? names_[w.sql] : db_.prepared_names_[w.sql];
            if (PQsendQueryPrepared(c, n.c_str(), static_cast<int>(p.size()), p.data(), nullptr,
                                    nullptr, 0) != 1)
                return false;
            steps_.push_back({Step::Exec, i, ""});
        }
        std::string node = db_.settings_.node, seq = std::to_string(batch_.back()->seq);
        const char *lp[] = {node.c_str(), seq.c_str()};
        if (PQsendQueryParams(c,
                              "INSERT INTO vce_write_log (node, seq) VALUES ($1, $2) "
                              "ON CONFLICT (node) DO UPDATE SET seq = EXCLUDED.seq, at = now()",
                              2, nullptr, lp, nullptr, nullptr, 0) != 1)
            return false;
        steps_.push_back({Step::Other, 0, ""});
        if (PQsendQueryParams(c, "COMMIT", 0, nullptr, nullptr, nullptr, nullptr, 0) != 1)
            return false;
        steps_.push_back({Step::Commit, 0, ""});
        return true;
    }
    void result(PGresult *res) override {
        if (next_ >= steps_.size()) return;
        const Step &s = steps_[next_++];
        ExecStatusType st = PQresultStatus(res);
        if (s.kind == Step::Prepare && st == PGRES_COMMAND_OK) {
            db_.prepared_[s.sql] = true;
            db_.prepared_names_[s.sql] = names_[s.sql];
        }
        if (st == PGRES_FATAL_ERROR && !failed_) {
            failed_ = true;
            fail_index_ =
                s.kind == Step::Exec || s.kind == Step::Prepare ? static_cast<long>(s.index) : -1;
            fail_transient_ = transient(PQresultErrorField(res, PG_DIAG_SQLSTATE));
            error_ = result_error(res);
        }
        // COMMIT of an aborted transaction reports ROLLBACK: not committed.
        if (s.kind == Step::Commit && st == PGRES_COMMAND_OK &&
            std::strcmp(PQcmdStatus(res), "COMMIT") == 0)
            committed_ = true;
    }
    void done(bool lost) override {
        // Prepares that did not complete are forgotten; they will be sent again.
        for (auto it = db_.prepared_.begin(); it != db_.prepared_.end();)
            it = it->second ? std::next(it) : db_.prepared_.erase(it);
        ++db_.batches_;
        if (lost || (!committed_ && (!failed_ || fail_transient_ || fail_index_ < 0))) {
            if (!lost && failed_)
                VCE_LOG_WARNING("durable batch not committed, will retry: %s", error_.c_str());
            db_.queue_.batch_retry();
            if (lost) {
                db_.writer_ready_ = false;  // must re-read the log after reconnecting
                db_.prepared_.clear();
                db_.prepared_names_.clear();
            } else {
                db_.schedule_retry();
                return;
            }
        } else if (committed_) {
            db_.committed_seq_ = batch_.back()->seq;
            db_.committed_ += batch_.size();
            db_.queue_.batch_committed();
        } else {
            ++db_.refused_;
            VCE_LOG_ERROR(
                "durable write refused by PostgreSQL and dropped from the queue: %s (statement: "
                "%s)",
                error_.c_str(), batch_[static_cast<size_t>(fail_index_)]->sql.c_str());
            db_.queue_.batch_refused(static_cast<size_t>(fail_index_), error_);
        }
        db_.pump();
    }

private:
    struct Step {
        enum Kind { Other, Prepare, Exec, Commit } kind;
        size_t index;
        std::string sql;
    };
    PgDatabase &db_;
    std::vector<const DurableWrite *> batch_;
    std::vector<Step> steps_;
    std::map<std::string, std::string> names_;
    size_t next_ = 0;
    bool failed_ = false, fail_transient_ = false, committed_ = false;
    long fail_index_ = -1;
    std::string error_;
};

PgDatabase::PgDatabase(event_base *base, PgSettings settings)
    : base_(base), settings_(std::move(settings)), queue_(settings_.queue_max, 0) {
    std::deque<DurableWrite> spooled;
    std::string err = DurableQueue::load(settings_.spool, spooled);
    if (!err.empty())
        VCE_LOG_ERROR("durable queue spool: %s (left in place for inspection)", err.c_str());
    uint64_t top = spooled.empty() ? 0 : spooled.back().seq;
    queue_ = DurableQueue(settings_.queue_max, sequence_start(top));
    if (!spooled.empty()) {
        VCE_LOG_NOTICE("durable queue: %zu writes from the last run wait in %s", spooled.size(),
                       settings_.spool.c_str());
        queue_.restore(std::move(spooled));
    }
    reader_ = std::make_unique<PgConnection>(base_, "reader", settings_.conn, true);
    writer_ = std::make_unique<PgConnection>(base_, "writer", settings_.conn, true);
    retry_ = evtimer_new(base_, &PgDatabase::on_retry, this);
    reader_->on_notify([this](const std::string &ch, const std::string &payload) {
        std::vector<NotifyCallback> cbs;
        for (auto &[id, s] : subs_)
            if (s.channel == ch) cbs.push_back(s.cb);
        for (auto &cb : cbs) cb(ch, payload);
    });
    reader_->on_state([this](bool up) {
        if (up) {
            std::set<std::string> channels;
            for (auto &[id, s] : subs_) channels.insert(s.channel);
            for (const auto &ch : channels) send_listen(ch);
        }
        if (held_) return;
        auto cbs = conn_cbs_;
        for (auto &[id, cb] : cbs) cb(up);
    });
    writer_->on_state([this](bool up) { writer_up(up); });
}

PgDatabase::~PgDatabase() {
    queue_.close();
    // Give an in-flight batch no chance to call back into a half-destroyed object. Queries
    // are cancelled, not failed: the modules that asked are unloaded by now.
    reader_->abandon_jobs();
    reader_.reset();
    writer_.reset();
    event_free(retry_);
    std::string err = queue_.save(settings_.spool);
    if (!err.empty())
        VCE_LOG_ERROR("durable queue: %zu writes could not be spooled: %s", queue_.size(),
                      err.c_str());
    else if (queue_.size())
        VCE_LOG_NOTICE("durable queue: %zu uncommitted writes kept in %s for the next start",
                       queue_.size(), settings_.spool.c_str());
}

void PgDatabase::start() {
    reader_->start();
    writer_->start();
}

void PgDatabase::ready() {
    if (!held_) return;
    held_ = false;
    if (!reader_->up()) return;
    auto cbs = conn_cbs_;
    for (auto &[id, cb] : cbs) cb(true);
}

void PgDatabase::writer_up(bool up) {
    writer_ready_ = false;
    prepared_.clear();
    prepared_names_.clear();
    if (up) writer_->submit(std::make_unique<ResumeJob>(*this));
}

void PgDatabase::on_retry(evutil_socket_t, short, void *arg) {
    static_cast<PgDatabase *>(arg)->pump();
}

void PgDatabase::schedule_retry() {
    timeval tv{0, 200000};
    evtimer_add(retry_, &tv);
}

void PgDatabase::pump() {
    if (queue_.closed() || !writer_->up() || !writer_ready_ || queue_.in_flight() ||
        queue_.size() == 0)
        return;
    if (evtimer_pending(retry_, nullptr)) return;
    auto batch = queue_.take_batch(settings_.batch_max);
    writer_->submit(std::make_unique<BatchJob>(*this, std::move(batch)));
}

void PgDatabase::query(const std::string &sql, SqlParams params, ResultCallback done) {
    if (!reader_->up()) {
        SqlResult r;
        r.error = "PostgreSQL is unavailable" +
                  (reader_->last_error().empty() ? "" : ": " + reader_->last_error());
        if (done) done(r);
        return;
    }
    reader_->submit(std::make_unique<QueryJob>(sql, std::move(params), std::move(done)));
}

void PgDatabase::query_rows(const std::string &sql, SqlParams params, RowsCallback done) {
    if (!reader_->up()) {
        SqlRowsResult r;
        r.error = "PostgreSQL is unavailable" +
                  (reader_->last_error().empty() ? "" : ": " + reader_->last_error());
        if (done) done(std::move(r));
        return;
    }
    reader_->submit(std::make_unique<RowsJob>(sql, std::move(params), std::move(done)));
}

WriteAdmission PgDatabase::write(const std::string &sql, SqlParams params, CommitCallback done) {
    WriteAdmission a = queue_.admit(sql, std::move(params), std::move(done));
    if (a == WriteAdmission::Full) {
        ++full_;
        VCE_LOG_WARNING("durable queue full (%zu writes waiting): write refused", queue_.size());
    }
    if (a == WriteAdmission::Accepted) pump();
    return a;
}

void PgDatabase::send_listen(const std::string &channel) {
    char *id = PQescapeIdentifier(reader_->raw(), channel.c_str(), channel.size());
    if (!id) return;
    std::string sql = std::string("LISTEN ") + id;
    PQfreemem(id);
    reader_->submit(std::make_unique<QueryJob>(sql, SqlParams{}, [channel](const SqlResult &r) {
        if (!r.ok) VCE_LOG_ERROR("LISTEN %s failed: %s", channel.c_str(), r.error.c_str());
    }));
}

int PgDatabase::listen(const std::string &channel, NotifyCallback cb) {
    bool first = true;
    for (auto &[id, s] : subs_) first &= s.channel != channel;
    int id = next_id_++;
    subs_[id] = {channel, std::move(cb)};
    if (first && reader_->up()) send_listen(channel);
    return id;
}

void PgDatabase::unlisten(int subscription) {
    subs_.erase(subscription);
}

int PgDatabase::on_connection(std::function<void(bool)> cb) {
    int id = next_id_++;
    conn_cbs_[id] = std::move(cb);
    return id;
}

std::string PgDatabase::status() const {
    std::ostringstream o;
    auto conn = [](const PgConnection &c) {
        return c.up() ? std::string("up")
                      : "down" + (c.last_error().empty() ? "" : " (" + c.last_error() + ")");
    };
    o << "reader:            " << conn(*reader_) << "\n"
      << "writer:            " << conn(*writer_) << "\n"
      << "node:              " << settings_.node << "\n"
      << "queued writes:     " << queue_.size() << " of " << queue_.capacity() << "\n"
      << "committed writes:  " << committed_ << " in " << batches_ << " batches\n"
      << "refused writes:    " << refused_ << "\n"
      << "refused (full):    " << full_ << "\n"
      << "last committed seq:" << committed_seq_ << "\n";
    return o.str();
}

}  // namespace pgsql
}  // namespace vce
