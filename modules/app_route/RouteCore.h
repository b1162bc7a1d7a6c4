// app_route's running state: the "router" service over the live bundle, the Route()
// dialplan application, the route CLI, and the reload from PostgreSQL on NOTIFY.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "modules/app_route/ReloadPacer.h"
#include "modules/app_route/RouteData.h"
#include "vce/Cli.h"
#include "vce/Database.h"
#include "vce/Host.h"
#include "vce/RouteService.h"
#include "vce/WorkerThread.h"

struct event;

namespace vce::approute {

// Reads app_route.conf (absent file = defaults). Returns false with `error` naming file:line.
bool read_options(Host &host, RouteOptions &out, std::string &error);

// Everything here runs on the core thread except the RouteService methods, which any
// thread may call, and the bundle's build, which runs on the builder thread. Database callbacks
// hold a weak_ptr, so they do nothing after stop().
class RouteCore : public RouteService, public std::enable_shared_from_this<RouteCore> {
public:
    RouteCore(Host &host, Database &db, RouteOptions opt);
    ~RouteCore() override;

    // Provides the service, the application and the commands; starts loading when the
    // database is up. False with `why` when something is already taken.
    bool start(std::string &why);
    void stop();
    // New options (module reload): applied by a reload of the data.
    void set_options(RouteOptions opt);

    // ${PSTN(number)}: the number's own PSTN number in E.164 (a PIN's area and local number in
    // its country, a PSTN or another carrier's number as it is); "" for a company number, an
    // alias, digits or an invalid number. An edge box dials it on its trunk when its exchange
    // is silent or the callee is not reached through it.
    std::string pstn_of(std::string_view number) const;
    routing::Decision route(std::string_view dialled, std::string_view caller,
                            routing::Trace *trace = nullptr) override;
    std::optional<AccountAuth> account(std::string_view username) override;
    std::optional<routing::Peer> peer_at(std::string_view ip) override;
    std::string caller_number(std::string_view caller, routing::CallerIdForm form) override;
    routing::Reach reach_needed_at(std::string_view hostport) override;
    std::vector<std::string> watched_hosts() override;
    unsigned long generation() const override { return generation_.load(); }

    std::shared_ptr<const RouteData> data() const { return std::atomic_load(&data_); }

private:
    void request();  // a change was announced
    void force(std::shared_ptr<CliRequest> waiter);
    void arm(ReloadPacer::Ms delay);
    void start_load();
    void fetched(SqlRowsResult r, ReloadPacer::Clock::time_point t0);
    void loaded(std::shared_ptr<RouteData> d, const std::string &err,
                ReloadPacer::Clock::time_point t0);
    static void on_timer(int, short, void *arg);

    std::string show_peers() const;
    std::string show_centres() const;
    void register_cli();
    std::string show() const;
    void test(const std::shared_ptr<CliRequest> &r);

    Host &host_;
    Database &db_;
    RouteOptions opt_;
    std::shared_ptr<const RouteData> data_;  // std::atomic_load / std::atomic_store only
    std::atomic<unsigned long> generation_{0};
    std::atomic<uint64_t> calls_{0};  // the spread of calls among equal priorities
    ReloadPacer pacer_;
    event *timer_ = nullptr;
    int listen_id_ = -1, conn_id_ = -1;
    bool started_ = false, provided_ = false, app_added_ = false, fn_added_ = false,
         next_added_ = false;
    std::string last_error_;
    std::vector<std::shared_ptr<CliRequest>> pending_, active_;  // `route reload` waiters
    // Builds the bundle from the rows and frees the one it replaced, off the core thread: a
    // million numbers take about a second, which would stall the loop (issue 16).
    std::unique_ptr<WorkerThread> builder_;
};

}  // namespace vce::approute
