// One non-blocking libpq connection driven by the core libevent loop: asynchronous
// connect (PQconnectStartParams, hostaddr only: no DNS), pipelined jobs, NOTIFY
// delivery, reconnect with exponential backoff.
#pragma once

#include <event2/event.h>
#include <libpq-fe.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace vce {
namespace pgsql {

// A unit of work: sends its statements, then sees each result in order, then done().
class PgJob {
public:
    virtual ~PgJob() = default;
    // Queue statements on conn (pipeline mode: PQsendQueryParams / PQsendPrepare ...).
    // Return false if sending failed (the connection is then treated as lost).
    virtual bool send(PGconn *conn) = 0;
    virtual void result(PGresult *res) = 0;  // not owned; do not PQclear
    // As result(), for a job that keeps the result (a bulk read handed to another thread):
    // returning true gives it the result, which it must PQclear (RAII) itself.
    virtual bool adopt(PGresult *res) {
        result(res);
        return false;
    }
    // lost = the connection went away before the job completed.
    virtual void done(bool lost) = 0;
};

class PgConnection {
public:
    using StateCallback = std::function<void(bool up)>;
    using NotifyCallback =
        std::function<void(const std::string &channel, const std::string &payload)>;

    // params: libpq keywords (hostaddr, port, dbname, user, password, host for the socket dir).
    PgConnection(event_base *base, std::string name, std::map<std::string, std::string> params,
                 bool pipeline);
    ~PgConnection();
    PgConnection(const PgConnection &) = delete;
    PgConnection &operator=(const PgConnection &) = delete;

    void start();
    bool up() const { return state_ == State::Up; }
    void on_state(StateCallback cb) { on_state_ = std::move(cb); }
    void on_notify(NotifyCallback cb) { on_notify_ = std::move(cb); }
    // Runs when ready; false if the connection is not up (the job is dropped unrun).
    bool submit(std::unique_ptr<PgJob> job);
    size_t jobs_in_flight() const { return inflight_.size(); }
    // Drops every job unrun and uncompleted: their done() is never called (their owners may
    // be gone, as at shutdown after the modules that queried are unloaded).
    void abandon_jobs() {
        inflight_.clear();
        waiting_.clear();
    }
    const std::string &last_error() const { return last_error_; }
    PGconn *raw() { return conn_; }
    const std::string &name() const { return name_; }

private:
    enum class State { Idle, Connecting, Up, Waiting };
    static void on_io(evutil_socket_t, short what, void *arg);
    static void on_timer(evutil_socket_t, short, void *arg);
    void poll_connect();
    void became_up();
    void lost(const std::string &why);
    void watch(short what);
    void read_results();
    void flush();

    event_base *base_;
    std::string name_;
    std::map<std::string, std::string> params_;
    bool pipeline_;
    PGconn *conn_ = nullptr;
    event *io_ = nullptr;
    event *timer_ = nullptr;
    short watching_ = 0;
    State state_ = State::Idle;
    int backoff_ms_ = 100;
    std::deque<std::unique_ptr<PgJob>> inflight_;
    std::deque<std::unique_ptr<PgJob>> waiting_;  // non-pipeline mode: one at a time
    StateCallback on_state_;
    NotifyCallback on_notify_;
    std::string last_error_;
};

}  // namespace pgsql
}  // namespace vce
