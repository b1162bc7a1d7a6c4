// vced process lifecycle.
#include "core/Daemon.h"

#include <event2/thread.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/ControlServer.h"
#include "core/CoreHost.h"
#include "core/LoopStall.h"
#include "core/ModuleLoader.h"
#include "core/SystemdNotify.h"
#include "vce/Channels.h"
#include "vce/Database.h"
#include "vce/DialplanService.h"
#include "vce/Log.h"
#include "vce/Threads.h"

namespace vce {

namespace {

std::string hostname() {
    char buf[256] = "";
    gethostname(buf, sizeof buf - 1);
    return buf[0] ? buf : "vced";
}

std::string duration(time_t secs) {
    std::ostringstream o;
    if (secs >= 86400) o << secs / 86400 << " days, ";
    if (secs >= 3600) o << (secs % 86400) / 3600 << " hours, ";
    if (secs >= 60) o << (secs % 3600) / 60 << " minutes, ";
    o << secs % 60 << " seconds";
    return o.str();
}

void make_dirs(const std::string &path) {
    for (size_t i = 1; i <= path.size(); ++i)
        if (i == path.size() || path[i] == '/') mkdir(path.substr(0, i).c_str(), 0750);
}

// Refuses to start when another live vced holds the pid file.
std::string claim_pidfile(const std::string &path) {
    std::ifstream in(path);
    long pid = 0;
    if (in >> pid && pid > 0 && pid != getpid() && kill(pid, 0) == 0)
        return "another vced (pid " + std::to_string(pid) + ") is running with pid file " + path;
    std::ofstream out(path, std::ios::trunc);
    if (!out) return "cannot write pid file " + path + ": " + std::strerror(errno);
    out << getpid() << "\n";
    return "";
}

}  // namespace

Daemon::Daemon(DaemonOptions opts) : opts_(std::move(opts)) {}

Daemon::~Daemon() {
    stalls_.reset();
    control_.reset();
    modules_.reset();
    dialplan_.reset();
    channels_.reset();
    host_.reset();
    for (event *e : {sig_hup_, sig_term_, sig_int_, migrate_deadline_, ready_poll_})
        if (e) event_free(e);
    if (base_) event_base_free(base_);
    if (!pidfile_.empty()) unlink(pidfile_.c_str());
}

int Daemon::run() {
    log::to_stderr(true);
    log::set_level(
        static_cast<LogLevel>(std::min(4, static_cast<int>(LogLevel::Notice) + opts_.verbose)));
    try {
        conf_ = Config::load(opts_.confdir + "/vced.conf");
    } catch (const ConfigError &e) {
        VCE_LOG_ERROR("not starting: %s", e.what());
        return 1;
    }
    static const ConfigSection empty;
    const ConfigSection *g = conf_.section("general");
    if (!g) g = &empty;
    std::string rundir = g->get("rundir", VCE_RUNDIR);
    std::string statedir = g->get("statedir", VCE_STATEDIR);
    pidfile_ = g->get("pidfile", rundir + "/vced.pid");
    socket_ = g->get("control_socket", rundir + "/vced.ctl");
    std::string moddir = g->get("moddir", VCE_MODDIR);
    std::string node = g->get("node_id", hostname());
    std::string lvl = g->get("log_level", "");
    if (!lvl.empty()) {
        static const char *names[] = {"error", "warning", "notice", "info", "debug"};
        bool ok = false;
        for (int i = 0; i < 5; ++i)
            if (lvl == names[i])
                log::set_level(static_cast<LogLevel>(std::min(4, i + opts_.verbose))), ok = true;
        if (!ok) {
            const ConfigEntry *e = g->find("log_level");
            VCE_LOG_ERROR(
                "not starting: %s:%d: expected log_level error, warning, notice, info or debug, "
                "got '%s'",
                e->file.c_str(), e->line, lvl.c_str());
            return 1;
        }
    }
    make_dirs(rundir);
    make_dirs(statedir);

    if (!opts_.foreground && !opts_.migrate_only) {
        if (daemon(0, 0) != 0) {
            VCE_LOG_ERROR("cannot detach: %s", std::strerror(errno));
            return 1;
        }
        log::to_stderr(false);
    }
    if (!opts_.migrate_only) {
        std::string err = claim_pidfile(pidfile_);
        if (!err.empty()) {
            pidfile_.clear();
            VCE_LOG_ERROR("not starting: %s", err.c_str());
            return 1;
        }
    }

    evthread_use_pthreads();
    signal(SIGPIPE, SIG_IGN);
    base_ = event_base_new();
    threads::enter("core (libevent loop, control socket, PostgreSQL)");
    host_ = std::make_unique<CoreHost>(base_, opts_.confdir, statedir, node, conf_);
    host_->set_shutdown_hook([this] { shutdown("requested"); });
    register_builtin_cli();

    sig_hup_ = evsignal_new(base_, SIGHUP, &Daemon::on_signal, this);
    sig_term_ = evsignal_new(base_, SIGTERM, &Daemon::on_signal, this);
    sig_int_ = evsignal_new(base_, SIGINT, &Daemon::on_signal, this);
    for (event *e : {sig_hup_, sig_term_, sig_int_}) event_add(e, nullptr);

    dialplan_ = std::make_unique<DialplanService>(
        *host_, g->get("dialplan", opts_.confdir + "/extensions.conf"));
    if (!opts_.migrate_only) {
        std::string err = dialplan_->reload();
        if (!err.empty()) {
            VCE_LOG_ERROR("not starting: %s", err.c_str());
            return 1;
        }
    }
    host_->provide<DialplanService>(services::kDialplan, dialplan_.get());
    channels_ = std::make_unique<ChannelRegistry>();
    host_->provide<ChannelRegistry>(services::kChannels, channels_.get());

    std::vector<std::string> dirs;
    std::stringstream ds(moddir);
    for (std::string d; std::getline(ds, d, ':');)
        if (!d.empty()) dirs.push_back(d);
    modules_ = std::make_unique<ModuleLoader>(*host_, dirs);
    try {
        Config mconf = host_->config("modules.conf");
        // vced -m needs the database only: the channel drivers would open SIP ports and TDM
        // spans (and fail on those a running vced holds).
        auto only = [](const std::string &name) { return name.rfind("res_", 0) == 0; };
        std::string fatal = opts_.migrate_only ? modules_->load_configured(mconf, only)
                                               : modules_->load_configured(mconf);
        if (!fatal.empty()) {
            VCE_LOG_ERROR("not starting: %s", fatal.c_str());
            return 1;
        }
    } catch (const ConfigError &e) {
        VCE_LOG_ERROR("not starting: %s", e.what());
        return 1;
    }

    if (opts_.migrate_only) {
        host_->dispatch({"db", "migrate"}, [this](int status, const std::string &text) {
            std::fputs(text.c_str(), status ? stderr : stdout);
            exit_status_ = status;
            event_base_loopexit(base_, nullptr);
        });
        // A database that never answers must not hold vced -m (and contrib/run) forever.
        long secs = g->get_int("migrate_timeout", 120);
        migrate_deadline_ = evtimer_new(
            base_,
            [](evutil_socket_t, short, void *arg) {
                auto *self = static_cast<Daemon *>(arg);
                VCE_LOG_ERROR(
                    "migrations: no answer from the database within migrate_timeout; "
                    "giving up");
                self->exit_status_ = 1;
                event_base_loopexit(self->base_, nullptr);
            },
            this);
        timeval tv{secs > 0 ? secs : 120, 0};
        evtimer_add(migrate_deadline_, &tv);
    } else {
        try {
            control_ = std::make_unique<ControlServer>(*host_, socket_);
        } catch (const std::exception &e) {
            VCE_LOG_ERROR("not starting: %s", e.what());
            return 1;
        }
    }
    started_ = reloaded_ = time(nullptr);
    // A tick every 5 ms: `core show loop` says how long anything held the core loop.
    if (!opts_.migrate_only)
        stalls_ = std::make_unique<LoopStallWatch>(base_, std::chrono::milliseconds(5));
    if (!opts_.migrate_only) {
        VCE_LOG_NOTICE("vced %s running (pid %d, node %s, control socket %s)", PACKAGE_VERSION,
                       getpid(), node.c_str(), socket_.c_str());
        // The database module connects asynchronously: ready once it answers (or at once
        // when no module offers a database).
        ready_poll_ = event_new(base_, -1, EV_PERSIST, &Daemon::on_ready_poll, this);
        timeval every{0, 200 * 1000};
        event_add(ready_poll_, &every);
        on_ready_poll(-1, 0, this);
    }
    event_base_dispatch(base_);
    systemd::stopping();
    VCE_LOG_NOTICE("shutting down: unloading modules");
    control_.reset();
    host_->run_posts();  // work already handed to the core completes while its owners exist
    modules_->unload_all();
    host_->close_posts();
    host_->withdraw(services::kDialplan);
    host_->withdraw(services::kChannels);
    threads::leave();
    VCE_LOG_NOTICE("vced stopped");
    return exit_status_;
}

void Daemon::on_signal(evutil_socket_t sig, short, void *arg) {
    auto *self = static_cast<Daemon *>(arg);
    if (sig == SIGHUP)
        self->reload();
    else
        self->shutdown(sig == SIGTERM ? "SIGTERM" : "SIGINT");
}

// Polled rather than subscribed (Database::on_connection): the core holds no callback in a
// module that `module unload` could take away, and the poll ends at the first success.
void Daemon::on_ready_poll(evutil_socket_t, short, void *arg) {
    auto *self = static_cast<Daemon *>(arg);
    if (self->ready_) return;
    auto *db = self->host_->service<Database>(services::kDatabase);
    if (db && !db->connected()) {
        if (!self->waiting_said_) systemd::status("modules loaded; waiting for the database");
        self->waiting_said_ = true;
        return;
    }
    self->ready_ = true;
    event_del(self->ready_poll_);
    systemd::ready(db ? "modules loaded, database connected" : "modules loaded");
    VCE_LOG_NOTICE("ready: modules loaded%s", db ? ", database connected" : "");
}

void Daemon::shutdown(const char *why) {
    VCE_LOG_NOTICE("shutdown (%s)", why);
    if (opts_.migrate_only) exit_status_ = 1;  // the migrations were interrupted
    event_base_loopexit(base_, nullptr);
}

void Daemon::reload() {
    systemd::reloading();
    try {
        Config c = Config::load(opts_.confdir + "/vced.conf");
        conf_ = c;
        host_->set_vced_conf(std::move(c));
    } catch (const ConfigError &e) {
        VCE_LOG_ERROR("reload refused, keeping the old configuration: %s", e.what());
        if (ready_) systemd::ready("reload refused; old configuration in force");
        return;
    }
    std::string errs = modules_->reload_all();
    std::string dp = dialplan_->reload();
    if (!dp.empty()) errs += "dialplan kept: " + dp + "\n";
    if (!errs.empty()) VCE_LOG_WARNING("reload: %s", errs.c_str());
    reloaded_ = time(nullptr);
    VCE_LOG_NOTICE("configuration reloaded");
    if (ready_) systemd::ready("configuration reloaded");
}

void Daemon::register_builtin_cli() {
    auto reply_err = [](const std::shared_ptr<CliRequest> &r, const std::string &err,
                        const std::string &ok) {
        if (err.empty())
            r->reply(0, ok);
        else
            r->reply(1, err + "\n");
    };
    host_->register_cli({"module show", "module show", "list loaded modules", [this](auto r) {
                             std::ostringstream o;
                             char line[256];
                             std::snprintf(line, sizeof line, "%-16s %-8s %5s  %s\n", "Module",
                                           "State", "Prio", "Description");
                             o << line;
                             auto rows = modules_->show();
                             for (const auto &m : rows) {
                                 std::snprintf(line, sizeof line, "%-16s %-8s %5d  %s\n",
                                               m.name.c_str(), m.state.c_str(), m.priority,
                                               m.description.c_str());
                                 o << line;
                             }
                             o << rows.size() << " modules loaded\n";
                             r->reply(0, o.str());
                         }});
    for (const char *verb : {"load", "unload", "reload"}) {
        std::string v = verb;
        host_->register_cli(
            {"module " + v, "module " + v + " NAME", v + " a module", [this, v, reply_err](auto r) {
                 if (r->args().size() != 1) return r->reply(1, "usage: module " + v + " NAME\n");
                 const std::string &n = r->args()[0];
                 std::string err = v == "load"     ? modules_->load(n)
                                   : v == "unload" ? modules_->unload(n)
                                                   : modules_->reload(n);
                 reply_err(r, err, "module " + module_name(n) + " " + v + "ed\n");
             }});
    }
    host_->register_cli({"core show version", "core show version", "version", [](auto r) {
                             r->reply(0, std::string("vced ") + PACKAGE_VERSION + "\n");
                         }});
    host_->register_cli({"core show uptime", "core show uptime", "time since start and last reload",
                         [this](auto r) {
                             time_t now = time(nullptr);
                             r->reply(0, "System uptime: " + duration(now - started_) +
                                             "\nLast reload: " + duration(now - reloaded_) + "\n");
                         }});
    host_->register_cli(
        {"core show threads", "core show threads", "the daemon's threads", [](auto r) {
             std::string out;
             auto list = threads::list();
             for (const auto &t : list) out += t + "\n";
             r->reply(0, out + std::to_string(list.size()) + " threads\n");
         }});
    host_->register_cli({"core show loop", "core show loop [reset]",
                         "how long the core loop was held (longest stall, stalls over 10 ms)",
                         [this](auto r) {
                             if (!stalls_) return r->reply(1, "the loop is not watched\n");
                             bool reset = !r->args().empty() && r->args()[0] == "reset";
                             if (!r->args().empty() && !reset)
                                 return r->reply(1, "usage: core show loop [reset]\n");
                             std::string out = stalls_->show();
                             if (reset) {
                                 stalls_->reset();
                                 out += "reset\n";
                             }
                             r->reply(0, out);
                         }});
    host_->register_cli({"core reload", "core reload", "reload vced.conf and every module that can",
                         [this](auto r) {
                             reload();
                             r->reply(0, "reload requested; see the log for refusals\n");
                         }});
    host_->register_cli({"shutdown", "shutdown", "stop vced gracefully", [this](auto r) {
                             r->reply(0, "shutting down\n");
                             shutdown("vcectl");
                         }});
    host_->register_cli({"help", "help", "list commands", [this](auto r) {
                             std::string out;
                             for (const auto &c : host_->commands()) {
                                 char line[256];
                                 std::snprintf(line, sizeof line, "%-40s %s\n", c.usage.c_str(),
                                               c.help.c_str());
                                 out += line;
                             }
                             r->reply(0, out);
                         }});
}

}  // namespace vce
