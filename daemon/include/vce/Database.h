// The database service that res_pgsql offers to other modules (core thread only).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vce {

using SqlParam = std::optional<std::string>;  // nullopt = SQL NULL
using SqlParams = std::vector<SqlParam>;

struct SqlResult {
    bool ok = false;
    std::string error;  // message when !ok
    std::vector<std::string> columns;
    std::vector<std::vector<SqlParam>> rows;
    long affected = 0;
};

// A result set read in place, from any thread: immutable, freed with its last reference.
// For bulk loads (a million routing rows) that must not be copied row by row on the core
// thread; the reader hands it to a thread of its own.
class SqlRowSet {
public:
    virtual ~SqlRowSet() = default;
    virtual size_t rows() const = 0;
    virtual size_t columns() const = 0;
    virtual bool is_null(size_t row, size_t col) const = 0;
    // "" for NULL or a column past the end; valid while the set lives.
    virtual std::string_view text(size_t row, size_t col) const = 0;
};

// An SqlRowSet over rows already copied (an SqlResult's, or a test's).
class SqlRowVectors : public SqlRowSet {
public:
    explicit SqlRowVectors(std::vector<std::vector<std::optional<std::string>>> rows)
        : rows_(std::move(rows)) {}
    size_t rows() const override { return rows_.size(); }
    size_t columns() const override { return rows_.empty() ? 0 : rows_[0].size(); }
    bool is_null(size_t r, size_t c) const override { return c >= rows_[r].size() || !rows_[r][c]; }
    std::string_view text(size_t r, size_t c) const override {
        return is_null(r, c) ? std::string_view() : std::string_view(*rows_[r][c]);
    }

private:
    std::vector<std::vector<std::optional<std::string>>> rows_;
};

struct SqlRowsResult {
    bool ok = false;
    std::string error;                      // message when !ok
    std::shared_ptr<const SqlRowSet> rows;  // set when ok
};

// Why a durable write was not accepted: the caller turns Full into a SIP 503.
enum class WriteAdmission { Accepted, Full, Closed };

class Database {
public:
    using ResultCallback = std::function<void(const SqlResult &)>;
    using CommitCallback = std::function<void(bool committed, const std::string &error)>;
    using NotifyCallback =
        std::function<void(const std::string &channel, const std::string &payload)>;

    virtual ~Database() = default;

    // A read or an ad-hoc statement; fails at once (ok=false) while disconnected.
    virtual void query(const std::string &sql, SqlParams params, ResultCallback done) = 0;

    // A read whose rows are handed over in place (SqlRowSet) rather than copied: `done` runs
    // on the core thread and may pass the set to another thread. The default copies through
    // query() (for databases that are not libpq's).
    using RowsCallback = std::function<void(SqlRowsResult)>;
    virtual void query_rows(const std::string &sql, SqlParams params, RowsCallback done) {
        query(sql, std::move(params), [done = std::move(done)](const SqlResult &r) {
            SqlRowsResult out{r.ok, r.error, nullptr};
            if (r.ok) out.rows = std::make_shared<SqlRowVectors>(r.rows);
            if (done) done(std::move(out));
        });
    }

    // A write that must not be lost: queued (bounded), committed in order in batches
    // (group commit), replayed exactly once after an outage, kept on disk across a
    // restart. `done` runs when it is committed (true) or refused by the server (false).
    virtual WriteAdmission write(const std::string &sql, SqlParams params, CommitCallback done) = 0;

    // LISTEN channel; the callback runs for each NOTIFY. Returns a subscription id.
    virtual int listen(const std::string &channel, NotifyCallback cb) = 0;
    virtual void unlisten(int subscription) = 0;

    // Called with true on every (re)connection and false on loss, so caches can reload.
    virtual int on_connection(std::function<void(bool up)> cb) = 0;
    virtual void off_connection(int subscription) = 0;

    virtual bool connected() const = 0;
    virtual size_t queued_writes() const = 0;
};

}  // namespace vce
