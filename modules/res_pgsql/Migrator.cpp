// Migration runner on an asynchronous libpq connection (simple query protocol, so a
// migration file may hold many statements; PostgreSQL runs them as one transaction).
#include "Migrator.h"

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "PgConnection.h"
#include "vce/Log.h"

namespace vce {
namespace pgsql {

namespace {

// Sends one multi-statement text; remembers the first error.
class TextJob : public PgJob {
public:
    using Cb = std::function<void(bool lost, const std::string &error,
                                  std::vector<std::vector<std::string>> rows)>;
    TextJob(std::string sql, Cb cb) : sql_(std::move(sql)), cb_(std::move(cb)) {}
    bool send(PGconn *c) override { return PQsendQuery(c, sql_.c_str()) == 1; }
    void result(PGresult *res) override {
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_TUPLES_OK) {
            rows_.clear();  // keep the last statement's rows
            for (int i = 0; i < PQntuples(res); ++i) {
                std::vector<std::string> row;
                for (int c = 0; c < PQnfields(res); ++c) row.push_back(PQgetvalue(res, i, c));
                rows_.push_back(row);
            }
        } else if (st == PGRES_FATAL_ERROR && error_.empty()) {
            error_ = PQresultErrorMessage(res);
            while (!error_.empty() && error_.back() == '\n') error_.pop_back();
        }
    }
    void done(bool lost) override { cb_(lost, error_, std::move(rows_)); }

private:
    std::string sql_;
    Cb cb_;
    std::string error_;
    std::vector<std::vector<std::string>> rows_;
};

constexpr const char *kLock = "SELECT pg_advisory_xact_lock(7352911);";

}  // namespace

std::vector<MigrationFile> list_migrations(const std::string &dir, std::string &error) {
    std::vector<MigrationFile> out;
    DIR *d = opendir(dir.c_str());
    if (!d) {
        error = "cannot read migration directory " + dir;
        return out;
    }
    static const std::regex name_re("^([0-9]{3})_([a-z0-9_]+)\\.sql$");
    while (dirent *e = readdir(d)) {
        std::string f = e->d_name;
        if (f.size() < 4 || f.compare(f.size() - 4, 4, ".sql") != 0) continue;
        std::smatch m;
        if (!std::regex_match(f, m, name_re)) {
            error = dir + "/" + f +
                    ": migration files are named NNN_name.sql (three digits, lower-case name)";
            continue;
        }
        out.push_back({std::stoi(m[1]), m[2], dir + "/" + f});
    }
    closedir(d);
    std::sort(out.begin(), out.end(), [](auto &a, auto &b) { return a.version < b.version; });
    for (size_t i = 1; i < out.size(); ++i)
        if (out[i].version == out[i - 1].version)
            error = "two migrations share version " + std::to_string(out[i].version) + ": " +
                    out[i - 1].path + " and " + out[i].path;
    return out;
}

Migrator::Migrator(event_base *base, std::map<std::string, std::string> conn, std::string dir)
    : base_(base), conn_params_(std::move(conn)), dir_(std::move(dir)) {}

// Destroying a migrator cancels it: `done` is not called, so nothing runs on an owner that
// is going away (the connection's destructor fails its pending job, which lands in finish()).
Migrator::~Migrator() {
    finished_ = true;
    done_ = nullptr;
    conn_.reset();
    if (deadline_) event_free(deadline_);
}

void Migrator::run(Done done) {
    done_ = std::move(done);
    std::string err;
    pending_ = list_migrations(dir_, err);
    if (!err.empty()) return finish(false, err);
    conn_ = std::make_unique<PgConnection>(base_, "migrations", conn_params_, false);
    deadline_ = evtimer_new(
        base_,
        [](evutil_socket_t, short, void *arg) {
            auto *self = static_cast<Migrator *>(arg);
            self->finish(false, "cannot reach PostgreSQL to migrate: " + self->conn_->last_error());
        },
        this);
    timeval tv{30, 0};
    evtimer_add(deadline_, &tv);
    conn_->on_state([this](bool up) {
        if (!up || finished_) return;
        std::string sql = std::string(kLock) +
                          "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, "
                          "name text NOT NULL, "
                          "applied_at timestamptz NOT NULL DEFAULT now());"
                          "SELECT version, name FROM schema_version ORDER BY version";
        conn_->submit(
            std::make_unique<TextJob>(sql, [this](bool lost, const std::string &e, auto rows) {
                if (lost) return finish(false, "connection lost while reading schema_version");
                if (!e.empty()) return finish(false, "cannot read schema_version: " + e);
                for (auto &r : rows) applied_[std::stoi(r[0])] = r[1];
                next();
            }));
    });
    conn_->start();
}

void Migrator::next() {
    while (!pending_.empty() && applied_.count(pending_.front().version))
        pending_.erase(pending_.begin());
    if (pending_.empty()) {
        if (report_.empty())
            report_ = "schema is up to date (" + std::to_string(applied_.size()) +
                      " migrations applied)\n";
        return finish(true, report_);
    }
    MigrationFile m = pending_.front();
    std::ifstream in(m.path);
    std::stringstream body;
    body << in.rdbuf();
    if (!in) return finish(false, "cannot read " + m.path);
    // The lock serialises concurrent migrators; the INSERT fails if another got there first.
    std::string sql = std::string(kLock) + "INSERT INTO schema_version (version, name) VALUES (" +
                      std::to_string(m.version) + ", '" + m.name + "');\n" + body.str();
    conn_->submit(std::make_unique<TextJob>(sql, [this, m](bool lost, const std::string &e, auto) {
        if (lost) return finish(false, "connection lost while applying " + m.path);
        if (!e.empty()) {
            if (e.find("schema_version_pkey") != std::string::npos) {
                applied_[m.version] = m.name;  // applied meanwhile by another vced
                return next();
            }
            return finish(false, "migration " + m.path + " failed and was rolled back: " + e);
        }
        VCE_LOG_NOTICE("applied migration %03d_%s", m.version, m.name.c_str());
        char line[512];
        std::snprintf(line, sizeof line, "applied %03d_%s\n", m.version, m.name.c_str());
        report_ += line;
        applied_[m.version] = m.name;
        next();
    }));
}

void Migrator::finish(bool ok, const std::string &msg) {
    if (finished_) return;
    finished_ = true;
    if (deadline_) evtimer_del(deadline_);
    auto done = std::move(done_);
    if (done) done(ok, msg);
}

}  // namespace pgsql
}  // namespace vce
