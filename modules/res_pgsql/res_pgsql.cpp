// res_pgsql: the PostgreSQL module. Offers the "database" service (vce::Database),
// runs schema migrations, and adds the `db ...` control commands.
#include <algorithm>
#include <memory>

#include "Migrator.h"
#include "PgDatabase.h"
#include "vce/Host.h"
#include "vce/Lifetime.h"
#include "vce/Log.h"
#include "vce/Module.h"

namespace vce {
namespace pgsql {
namespace {

const char *const kCommands[] = {"db show", "db migrate", "db query", "db write"};

std::string join(const std::vector<std::string> &words) {
    std::string s;
    for (const auto &w : words) s += (s.empty() ? "" : " ") + w;
    return s;
}

std::string format_result(const SqlResult &r) {
    std::string out;
    for (size_t c = 0; c < r.columns.size(); ++c) out += (c ? " | " : "") + r.columns[c];
    if (!r.columns.empty()) out += "\n";
    for (const auto &row : r.rows) {
        for (size_t c = 0; c < row.size(); ++c)
            out += (c ? " | " : "") + (row[c] ? *row[c] : std::string("NULL"));
        out += "\n";
    }
    out += "(" + std::to_string(r.columns.empty() ? r.affected : static_cast<long>(r.rows.size())) +
           " rows)\n";
    return out;
}

class ResPgsql : public Module {
public:
    ResPgsql(Host &host, PgSettings settings, std::string sqldir, bool migrate)
        : host_(host), sqldir_(std::move(sqldir)) {
        db_ = std::make_unique<PgDatabase>(host.loop(), std::move(settings));
        host_.provide<Database>(services::kDatabase, db_.get());
        register_cli();
        if (migrate) {
            db_->hold_until_ready();
            migrate_now([this](bool ok, const std::string &report) {
                if (ok)
                    VCE_LOG_NOTICE("database: %s", report.c_str());
                else
                    VCE_LOG_ERROR("database migrations failed: %s", report.c_str());
                db_->ready();
            });
        }
        db_->start();
    }

    ~ResPgsql() override {
        lifetime_.end();
        for (const char *c : kCommands) host_.unregister_cli(c);
        host_.withdraw(services::kDatabase);
        migrators_.clear();
        db_.reset();  // spools uncommitted writes
    }

private:
    void migrate_now(Migrator::Done done) {
        auto m = std::make_shared<Migrator>(host_.loop(), db_->settings().conn, sqldir_);
        migrators_.push_back(m);
        std::weak_ptr<Migrator> weak = m;
        m->run([this, weak, done](bool ok, const std::string &report) {
            done(ok, report);
            // Destroy the migrator outside its own callback (and never after this module).
            host_.post(lifetime_.guard([this, weak] {
                auto sp = weak.lock();
                migrators_.erase(std::remove(migrators_.begin(), migrators_.end(), sp),
                                 migrators_.end());
            }));
        });
    }

    void register_cli() {
        host_.register_cli({"db show", "db show",
                            "PostgreSQL connections and the durable write queue",
                            [this](auto r) { r->reply(0, db_->status()); }});
        host_.register_cli(
            {"db migrate", "db migrate", "apply pending schema migrations", [this](auto r) {
                 migrate_now([r](bool ok, const std::string &report) {
                     r->reply(ok ? 0 : 1, report.back() == '\n' ? report : report + "\n");
                 });
             }});
        host_.register_cli({"db query", "db query SQL", "run one SQL statement and print the rows",
                            [this](auto r) {
                                if (r->args().empty()) return r->reply(1, "usage: db query SQL\n");
                                db_->query(join(r->args()), {}, [r](const SqlResult &res) {
                                    if (res.ok)
                                        r->reply(0, format_result(res));
                                    else
                                        r->reply(1, "error: " + res.error + "\n");
                                });
                            }});
        host_.register_cli(
            {"db write", "db write SQL", "queue one durable SQL write (answers when queued)",
             [this](auto r) {
                 if (r->args().empty()) return r->reply(1, "usage: db write SQL\n");
                 std::string sql = join(r->args());
                 WriteAdmission a = db_->write(sql, {}, [sql](bool ok, const std::string &err) {
                     if (!ok) VCE_LOG_ERROR("db write refused: %s", err.c_str());
                 });
                 if (a == WriteAdmission::Accepted)
                     r->reply(0, "queued\n");
                 else
                     r->reply(1, a == WriteAdmission::Full ? "refused: the durable queue is full\n"
                                                           : "refused: the queue is closed\n");
             }});
    }

    Host &host_;
    std::string sqldir_;
    std::unique_ptr<PgDatabase> db_;
    std::vector<std::shared_ptr<Migrator>> migrators_;
    Lifetime lifetime_;  // last member: guarded closures see every other member alive
};

Module *load(Host &host, std::string &why) {
    Config conf;
    try {
        conf = host.config("res_pgsql.conf");
    } catch (const ConfigError &e) {
        why = e.what();
        return nullptr;
    }
    const ConfigSection *g = conf.section("general");
    if (!g) {
        why = host.confdir() + "/res_pgsql.conf has no [general] section";
        return nullptr;
    }
    PgSettings s;
    try {
        // hostaddr (an IP) avoids blocking DNS; host may name a unix socket directory.
        for (const char *k : {"hostaddr", "host", "port", "dbname", "user", "password", "sslmode",
                              "connect_timeout"})
            s.conn[k] = g->get(k);
        if (!s.conn["host"].empty() && s.conn["host"][0] != '/') {
            why = g->find("host")->file + ":" + std::to_string(g->find("host")->line) +
                  ": host must be a unix socket directory; use hostaddr for an IP address (no DNS "
                  "on the core loop)";
            return nullptr;
        }
        s.queue_max = static_cast<size_t>(g->get_int("queue_max", 100000));
        s.batch_max = static_cast<size_t>(g->get_int("batch_max", 1000));
        s.spool = g->get("spool", host.statedir() + "/durable-queue.spool");
        s.node = host.node();
        return new ResPgsql(host, std::move(s), g->get("sqldir", std::string(VCE_DATADIR) + "/sql"),
                            g->get_bool("migrate", true));
    } catch (const ConfigError &e) {
        why = e.what();
        return nullptr;
    }
}

const ModuleInfo info = {
    kModuleAbi, "res_pgsql", "PostgreSQL: database service, durable writes, migrations",
    10,         nullptr,     nullptr,
    load};

}  // namespace
}  // namespace pgsql
}  // namespace vce

VCE_MODULE(vce::pgsql::info)
