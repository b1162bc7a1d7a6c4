// The vced process: configuration, pid file, signals, modules, control socket, loop.
#pragma once

#include <event2/event.h>

#include <ctime>
#include <memory>
#include <string>

#include "vce/Config.h"

namespace vce {

class CoreHost;
class ModuleLoader;
class ControlServer;
class DialplanService;
class ChannelRegistry;
class LoopStallWatch;

struct DaemonOptions {
    std::string confdir = VCE_SYSCONFDIR;
    bool foreground = false;
    int verbose = 0;
    bool migrate_only = false;  // run `db migrate` and exit
};

class Daemon {
public:
    explicit Daemon(DaemonOptions opts);
    ~Daemon();
    // Returns the process exit status.
    int run();

private:
    void register_builtin_cli();
    void reload();
    void shutdown(const char *why);
    static void on_signal(evutil_socket_t sig, short, void *arg);
    static void on_ready_poll(evutil_socket_t, short, void *arg);

    DaemonOptions opts_;
    Config conf_;
    std::string pidfile_, socket_;
    event_base *base_ = nullptr;
    event *sig_hup_ = nullptr, *sig_term_ = nullptr, *sig_int_ = nullptr;
    event *migrate_deadline_ = nullptr;
    event *ready_poll_ = nullptr;  // until the database answers: then READY=1 to systemd
    bool ready_ = false,
         waiting_said_ = false;  // vced -m gives up when the database does not answer
    std::unique_ptr<CoreHost> host_;
    std::unique_ptr<DialplanService> dialplan_;
    std::unique_ptr<ChannelRegistry> channels_;
    std::unique_ptr<ModuleLoader> modules_;
    std::unique_ptr<ControlServer> control_;
    std::unique_ptr<LoopStallWatch> stalls_;  // core show loop
    time_t started_ = 0, reloaded_ = 0;
    int exit_status_ = 0;
};

}  // namespace vce
