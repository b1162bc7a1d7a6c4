// Asynchronous libpq connection on libevent.
#include "PgConnection.h"

#include <vector>

#include "vce/Log.h"

namespace vce {
namespace pgsql {

PgConnection::PgConnection(event_base *base, std::string name,
                           std::map<std::string, std::string> params, bool pipeline)
    : base_(base), name_(std::move(name)), params_(std::move(params)), pipeline_(pipeline) {
    timer_ = evtimer_new(base_, &PgConnection::on_timer, this);
}

PgConnection::~PgConnection() {
    on_state_ = nullptr;
    if (io_) event_free(io_);
    event_free(timer_);
    if (conn_) PQfinish(conn_);
    for (auto &j : inflight_) j->done(true);
}

void PgConnection::start() {
    std::vector<const char *> keys, vals;
    for (const auto &[k, v] : params_) {
        if (v.empty()) continue;
        keys.push_back(k.c_str());
        vals.push_back(v.c_str());
    }
    keys.push_back("application_name");
    vals.push_back("vced");
    keys.push_back(nullptr);
    vals.push_back(nullptr);
    if (conn_) PQfinish(conn_);
    conn_ = PQconnectStartParams(keys.data(), vals.data(), 0);
    if (!conn_ || PQstatus(conn_) == CONNECTION_BAD) {
        lost(conn_ ? PQerrorMessage(conn_) : "out of memory");
        return;
    }
    // Server NOTICEs (e.g. "relation already exists, skipping") go to the debug log.
    PQsetNoticeProcessor(
        conn_, [](void *, const char *msg) { VCE_LOG_DEBUG("PostgreSQL: %s", msg); }, nullptr);
    state_ = State::Connecting;
    watch(EV_WRITE);  // PQconnectPoll starts as if PGRES_POLLING_WRITING
}

void PgConnection::watch(short what) {
    evutil_socket_t fd = PQsocket(conn_);
    if (io_ && (event_get_fd(io_) != fd || watching_ != what)) {
        event_free(io_);
        io_ = nullptr;
    }
    if (!io_ && fd >= 0) {
        io_ = event_new(base_, fd, what | EV_PERSIST, &PgConnection::on_io, this);
        event_add(io_, nullptr);
        watching_ = what;
    }
}

void PgConnection::on_io(evutil_socket_t, short what, void *arg) {
    auto *self = static_cast<PgConnection *>(arg);
    if (self->state_ == State::Connecting) {
        self->poll_connect();
        return;
    }
    if (self->state_ != State::Up) return;
    if (what & EV_WRITE) self->flush();
    if (self->state_ == State::Up && (what & EV_READ)) {
        if (!PQconsumeInput(self->conn_)) {
            self->lost(PQerrorMessage(self->conn_));
            return;
        }
        self->read_results();
    }
}

void PgConnection::poll_connect() {
    switch (PQconnectPoll(conn_)) {
        case PGRES_POLLING_READING:
            watch(EV_READ);
            break;
        case PGRES_POLLING_WRITING:
            watch(EV_WRITE);
            break;
        case PGRES_POLLING_OK:
            became_up();
            break;
        default:
            lost(PQerrorMessage(conn_));
            break;
    }
}

void PgConnection::became_up() {
    if (PQsetnonblocking(conn_, 1) != 0 || (pipeline_ && PQenterPipelineMode(conn_) != 1)) {
        lost(PQerrorMessage(conn_));
        return;
    }
    state_ = State::Up;
    backoff_ms_ = 100;
    last_error_.clear();
    watch(EV_READ);
    VCE_LOG_NOTICE("PostgreSQL %s connection up", name_.c_str());
    if (on_state_) on_state_(true);
    if (state_ == State::Up && !pipeline_ && !waiting_.empty() && inflight_.empty()) {
        auto j = std::move(waiting_.front());
        waiting_.pop_front();
        submit(std::move(j));
    }
}

void PgConnection::lost(const std::string &why) {
    bool was_up = state_ == State::Up;
    last_error_ = why;
    while (!last_error_.empty() && (last_error_.back() == '\n' || last_error_.back() == ' '))
        last_error_.pop_back();
    if (io_) {
        event_free(io_);
        io_ = nullptr;
    }
    if (conn_) {
        PQfinish(conn_);
        conn_ = nullptr;
    }
    state_ = State::Waiting;
    auto jobs = std::move(inflight_);
    inflight_.clear();
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto &j : jobs) j->done(true);
    for (auto &j : waiting) j->done(true);
    if (was_up)
        VCE_LOG_WARNING("PostgreSQL %s connection lost: %s", name_.c_str(), last_error_.c_str());
    else
        VCE_LOG_DEBUG("PostgreSQL %s connect failed: %s", name_.c_str(), last_error_.c_str());
    if (was_up && on_state_) on_state_(false);
    timeval tv{backoff_ms_ / 1000, (backoff_ms_ % 1000) * 1000};
    evtimer_add(timer_, &tv);
    backoff_ms_ = std::min(backoff_ms_ * 2, 5000);
}

void PgConnection::on_timer(evutil_socket_t, short, void *arg) {
    static_cast<PgConnection *>(arg)->start();
}

bool PgConnection::submit(std::unique_ptr<PgJob> job) {
    if (state_ != State::Up) return false;
    if (!pipeline_ && !inflight_.empty()) {
        waiting_.push_back(std::move(job));
        return true;
    }
    if (!job->send(conn_) || (pipeline_ && PQpipelineSync(conn_) != 1)) {
        inflight_.push_back(std::move(job));
        lost(PQerrorMessage(conn_));
        return true;  // the job has been told (done(true)) by lost()
    }
    inflight_.push_back(std::move(job));
    flush();
    return true;
}

void PgConnection::flush() {
    int r = PQflush(conn_);
    if (r < 0)
        lost(PQerrorMessage(conn_));
    else
        watch(r == 1 ? EV_READ | EV_WRITE : EV_READ);
}

void PgConnection::read_results() {
    int nulls = 0;  // two NULLs in a row: nothing more is ready
    while (state_ == State::Up && !PQisBusy(conn_)) {
        PGresult *res = PQgetResult(conn_);
        if (!res && ++nulls > 1) break;
        if (res) nulls = 0;
        if (!res) {
            if (!pipeline_ && !inflight_.empty()) {
                // Simple protocol: NULL ends the job's results.
                auto j = std::move(inflight_.front());
                inflight_.pop_front();
                j->done(false);
                if (!waiting_.empty() && state_ == State::Up) {
                    auto next = std::move(waiting_.front());
                    waiting_.pop_front();
                    submit(std::move(next));
                }
                continue;
            }
            if (inflight_.empty()) break;
            // Pipeline: NULL separates one query's results from the next.
            if (PQisBusy(conn_)) break;
            continue;
        }
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_PIPELINE_SYNC) {
            PQclear(res);
            if (!inflight_.empty()) {
                auto j = std::move(inflight_.front());
                inflight_.pop_front();
                j->done(false);
            }
            continue;
        }
        if (st == PGRES_FATAL_ERROR && PQstatus(conn_) == CONNECTION_BAD) {
            PQclear(res);
            lost(PQerrorMessage(conn_));
            return;
        }
        bool kept = !inflight_.empty() && inflight_.front()->adopt(res);
        if (!kept) PQclear(res);
    }
    if (state_ != State::Up) return;
    while (PGnotify *n = PQnotifies(conn_)) {
        std::string ch = n->relname, payload = n->extra ? n->extra : "";
        PQfreemem(n);
        if (on_notify_) on_notify_(ch, payload);
    }
    if (PQstatus(conn_) == CONNECTION_BAD) lost(PQerrorMessage(conn_));
}

}  // namespace pgsql
}  // namespace vce
