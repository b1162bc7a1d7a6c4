// The database service that res_pgsql offers to other modules (core thread only).
#pragma once

#include <functional>
#include <optional>
#include <string>
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
