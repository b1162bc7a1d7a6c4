// app_route's running state: router service, Route() application, CLI, NOTIFY-driven reload.
#include "modules/app_route/RouteCore.h"

#include <event2/event.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "dialplan/Execution.h"
#include "modules/app_route/RouteApplication.h"
#include "routing/Router.h"
#include "vce/CallDriver.h"
#include "vce/DialplanService.h"
#include "vce/HealthService.h"
#include "vce/Log.h"

namespace vce::approute {

namespace {

const char *const kCommands[] = {"route test", "route show", "route show peers",
                                 "route show centres", "route reload"};
const char *const kChannel = "vce_routing";

routing::Decision unavailable(routing::Trace *trace) {
    routing::Decision d;
    d.sip_status = 503;
    d.cause = "unavailable";
    d.reason = "routing data is not loaded yet (is PostgreSQL up? see `vcectl route show`)";
    if (trace) trace->add("refused: " + d.reason + " -> SIP 503");
    return d;
}

std::string when(std::time_t t) {
    if (!t) return "never";
    char buf[64];
    struct tm tm;
    localtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

std::string where(const ConfigEntry *e) {
    return e ? e->file + ":" + std::to_string(e->line) + ": " : "";
}

}  // namespace

bool read_options(Host &host, RouteOptions &out, std::string &error) {
    out = RouteOptions();
    std::string path = host.confdir() + "/app_route.conf";
    if (access(path.c_str(), F_OK) != 0) return true;  // no file: defaults
    Config conf;
    try {
        conf = host.config("app_route.conf");
    } catch (const ConfigError &e) {
        error = e.what();
        return false;
    }
    if (const ConfigSection *g = conf.section("general")) {
        out.home_country = g->get("home_country");
        if (!out.home_country.empty()) {
            const std::string &h = out.home_country;
            bool ok = h.size() == 3 && h.find_first_not_of("0123456789") == std::string::npos &&
                      h != "000";
            if (!ok) {
                error =
                    where(g->find("home_country")) + "home_country must be three digits, e.g. 082";
                return false;
            }
        }
        out.centre = g->get("centre");
        out.realm = g->get("realm");
        out.peer_context = g->get("peer_context", "from-centres");
        std::string pstn = g->get("pstn", "tdm");
        if (pstn == "sip") {
            out.pstn_trunk = normalise_trunk(g->get("pstn_trunk"));
            if (out.pstn_trunk.empty()) {
                error = where(g->find("pstn")) + "pstn = sip needs pstn_trunk = SIP/host:port";
                return false;
            }
        } else if (pstn != "tdm") {
            error = where(g->find("pstn")) +
                    "pstn is tdm (chan_tdm trunk groups) or sip (pstn_trunk), not '" + pstn + "'";
            return false;
        }
    }
    for (const ConfigSection &s : conf.sections()) {
        for (const ConfigEntry *e : s.all("trusted")) {
            std::pair<routing::Network, routing::Peer> t;
            std::string why;
            if (!parse_trusted(e->value, out.peer_context, t, why)) {
                error = where(e) + why;
                return false;
            }
            out.trusted.push_back(t);
        }
    }
    return true;
}

RouteCore::RouteCore(Host &host, Database &db, RouteOptions opt)
    : host_(host), db_(db), opt_(std::move(opt)) {}

RouteCore::~RouteCore() {
    stop();
}

bool RouteCore::start(std::string &why) {
    if (!host_.provide<RouteService>(services::kRouter, this)) {
        why = std::string("another module already provides the \"") + services::kRouter +
              "\" service";
        return false;
    }
    provided_ = true;
    std::weak_ptr<RouteCore> weak = shared_from_this();
    if (auto *dp = host_.service<DialplanService>(services::kDialplan)) {
        app_added_ = dp->registry().add_application(
            "Route",
            route_application([weak](const std::string &number, const std::string &caller) {
                auto self = weak.lock();
                return self ? self->route(number, caller) : unavailable(nullptr);
            }));
        if (!app_added_) {
            why = "the dialplan application Route is already registered";
            stop();
            return false;
        }
        next_added_ = dp->registry().add_application("RouteNext", route_next_application());
        if (!next_added_) {
            why = "the dialplan application RouteNext is already registered";
            stop();
            return false;
        }
        fn_added_ = dp->registry().add_function(
            "PSTN", {[weak](dialplan::Execution &, const std::vector<std::string> &a) {
                         auto self = weak.lock();
                         return self && !a.empty() ? self->pstn_of(a[0]) : std::string();
                     },
                     nullptr});
        if (!fn_added_) {
            why = "the dialplan function PSTN is already registered";
            stop();
            return false;
        }
    } else {
        VCE_LOG_WARNING("app_route: no dialplan service; Route() is not available");
    }
    register_cli();
    timer_ = evtimer_new(host_.loop(), &RouteCore::on_timer, this);
    listen_id_ = db_.listen(kChannel, [weak](const std::string &, const std::string &table) {
        if (auto self = weak.lock()) {
            VCE_LOG_DEBUG("app_route: %s changed", table.c_str());
            self->request();
        }
    });
    conn_id_ = db_.on_connection([weak](bool up) {
        if (auto self = weak.lock()) {
            if (up)
                self->request();
            else
                VCE_LOG_WARNING("app_route: PostgreSQL connection lost; routing on generation %lu",
                                self->generation());
        }
    });
    if (!builder_) builder_ = std::make_unique<WorkerThread>("app_route builder (routing data)");
    started_ = true;
    if (db_.connected())
        request();
    else
        VCE_LOG_NOTICE("app_route: waiting for PostgreSQL to load the routing data");
    return true;
}

void RouteCore::stop() {
    if (started_ || provided_ || app_added_) {
        for (const char *c : kCommands) host_.unregister_cli(c);
    }
    started_ = false;  // a build still queued or running delivers into nothing
    builder_.reset();  // waits for it
    if (app_added_)
        if (auto *dp = host_.service<DialplanService>(services::kDialplan))
            dp->registry().remove_application("Route");
    app_added_ = false;
    if (next_added_)
        if (auto *dp = host_.service<DialplanService>(services::kDialplan))
            dp->registry().remove_application("RouteNext");
    next_added_ = false;
    if (fn_added_)
        if (auto *dp = host_.service<DialplanService>(services::kDialplan))
            dp->registry().remove_function("PSTN");
    fn_added_ = false;
    if (provided_) host_.withdraw(services::kRouter);
    provided_ = false;
    if (listen_id_ >= 0) db_.unlisten(listen_id_);
    listen_id_ = -1;
    if (conn_id_ >= 0) db_.off_connection(conn_id_);
    conn_id_ = -1;
    if (timer_) event_free(timer_);
    timer_ = nullptr;
    for (auto *list : {&active_, &pending_})
        for (auto &r : *list) r->reply(1, "app_route was unloaded before the reload finished\n");
    active_.clear();
    pending_.clear();
    started_ = false;
}

void RouteCore::set_options(RouteOptions opt) {
    opt_ = std::move(opt);
    force(nullptr);
}

// ---- reloading ----

void RouteCore::request() {
    if (!started_) return;
    if (auto d = pacer_.request(ReloadPacer::Clock::now())) arm(*d);
}

void RouteCore::force(std::shared_ptr<CliRequest> waiter) {
    if (!started_) return;
    if (waiter) pending_.push_back(std::move(waiter));
    if (pacer_.running()) {
        pacer_.request(ReloadPacer::Clock::now());  // one more load after this one
        return;
    }
    if (timer_) evtimer_del(timer_);
    start_load();
}

void RouteCore::arm(ReloadPacer::Ms delay) {
    if (!timer_) return;
    timeval tv{static_cast<time_t>(delay.count() / 1000),
               static_cast<suseconds_t>(delay.count() % 1000 * 1000)};
    evtimer_add(timer_, &tv);
}

void RouteCore::on_timer(int, short, void *arg) {
    static_cast<RouteCore *>(arg)->start_load();
}

void RouteCore::start_load() {
    auto t0 = ReloadPacer::Clock::now();
    pacer_.started(t0);
    active_.insert(active_.end(), pending_.begin(), pending_.end());
    pending_.clear();
    std::weak_ptr<RouteCore> weak = shared_from_this();
    // May call back at once (ok=false) when the database is down. The rows arrive as libpq's
    // result, read in place on the builder thread: nothing is copied row by row here.
    db_.query_rows(kRouteSql, {}, [weak, t0](SqlRowsResult r) {
        if (auto self = weak.lock()) self->fetched(std::move(r), t0);
    });
}

void RouteCore::fetched(SqlRowsResult r, ReloadPacer::Clock::time_point t0) {
    if (!started_) return;
    if (!r.ok || !builder_) return loaded(nullptr, r.ok ? "no builder thread" : r.error, t0);
    std::weak_ptr<RouteCore> weak = shared_from_this();
    Host *host = &host_;
    bool queued = builder_->post([weak, host, rows = std::move(r.rows), opt = opt_, t0]() mutable {
        std::shared_ptr<RouteData> d;
        std::string err;
        try {
            d = build_route_data(*rows, opt);
        } catch (const std::exception &e) {
            err = e.what();
        }
        rows.reset();  // libpq's result (hundreds of MB for a million numbers) is freed here
        host->post([weak, d = std::move(d), err, t0]() mutable {
            if (auto self = weak.lock()) self->loaded(std::move(d), err, t0);
        });
    });
    if (!queued) loaded(nullptr, "app_route is stopping", t0);
}

void RouteCore::loaded(std::shared_ptr<RouteData> d, const std::string &err,
                       ReloadPacer::Clock::time_point t0) {
    if (!started_) return;
    auto now = ReloadPacer::Clock::now();
    std::string reply;
    int status = 0;
    if (d) {
        d->generation = generation_.load() + 1;
        d->loaded_at = std::time(nullptr);
        d->load_ms = static_cast<long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(now - t0).count());
        std::shared_ptr<const RouteData> old =
            std::atomic_exchange(&data_, std::shared_ptr<const RouteData>(d));
        // The replaced bundle is freed on the builder thread (unless a reader on another
        // thread still holds it; then that reader frees it).
        if (old && builder_) builder_->post([old = std::move(old)]() mutable { old.reset(); });
        generation_.store(d->generation);
        last_error_.clear();
        const RouteCounts &c = d->counts;
        VCE_LOG_NOTICE(
            "app_route: routing data generation %lu loaded in %ld ms: %zu numbers, %zu accounts, "
            "%zu branches, %zu aliases, %zu carriers, %zu trunks, %zu centres%s",
            d->generation, d->load_ms, c.numbers, c.accounts, c.branches, c.aliases, c.carriers,
            c.trunks, c.centres, c.skipped ? " (some rows skipped)" : "");
        for (const std::string &w : d->warnings)
            VCE_LOG_WARNING("app_route: row skipped: %s", w.c_str());
        reply = "routing data reloaded: generation " + std::to_string(d->generation) + " in " +
                std::to_string(d->load_ms) + " ms\n";
    } else {
        last_error_ = err;
        VCE_LOG_ERROR("app_route: routing data not loaded, keeping generation %lu: %s",
                      generation_.load(), err.c_str());
        reply = "reload failed, keeping generation " + std::to_string(generation_.load()) + ": " +
                err + "\n";
        status = 1;
    }
    auto waiters = std::move(active_);
    active_.clear();
    for (auto &w : waiters) w->reply(status, reply);
    if (auto next = pacer_.finished(now)) arm(*next);
}

// ---- RouteService ----

routing::Decision RouteCore::route(std::string_view dialled, std::string_view caller,
                                   routing::Trace *trace) {
    std::shared_ptr<const RouteData> d = std::atomic_load(&data_);
    if (!d || !d->snapshot) return unavailable(trace);
    thread_local routing::Router router;
    routing::Decision out;
    routing::RouteConditions when;
    when.health = host_.service<HealthService>(services::kSipHealth);  // none: all are up
    when.spread = calls_.fetch_add(1, std::memory_order_relaxed);
    router.route(*d->snapshot, dialled, caller, d->home_country, out, trace, when);
    apply_pstn_trunk(out, d->pstn_trunk, trace);
    return out;
}

std::string RouteCore::pstn_of(std::string_view number) const {
    std::shared_ptr<const RouteData> d = std::atomic_load(&data_);
    if (!d || !d->snapshot) return {};
    return d->snapshot->plan().pstn_of(number, d->home_country);
}

std::string RouteCore::caller_number(std::string_view caller, routing::CallerIdForm form) {
    std::shared_ptr<const RouteData> d = std::atomic_load(&data_);
    if (!d || !d->snapshot) return {};
    const numplan::NumberPlan &plan = d->snapshot->plan();
    return routing::caller_id_in_form(plan.pstn_of(caller, d->home_country), form, plan.table());
}

std::optional<AccountAuth> RouteCore::account(std::string_view username) {
    std::shared_ptr<const RouteData> d = std::atomic_load(&data_);
    if (!d) return std::nullopt;
    auto it = d->accounts.find(std::string(username));
    if (it == d->accounts.end()) return std::nullopt;
    return it->second;
}

std::optional<routing::Peer> RouteCore::peer_at(std::string_view ip) {
    std::shared_ptr<const RouteData> d = std::atomic_load(&data_);
    if (!d) return std::nullopt;  // nothing is trusted before the first load
    const routing::Peer *p = d->peers.find(ip);
    if (!p) return std::nullopt;
    return *p;
}

routing::Reach RouteCore::reach_needed_at(std::string_view hostport) {
    std::shared_ptr<const RouteData> d = std::atomic_load(&data_);
    if (!d) return routing::Reach::Own;
    auto it = d->reach_needed.find(std::string(hostport));
    return it == d->reach_needed.end() ? routing::Reach::Own : it->second;
}

std::vector<std::string> RouteCore::watched_hosts() {
    std::vector<std::string> out;
    std::shared_ptr<const RouteData> d = std::atomic_load(&data_);
    if (!d || !d->snapshot) return out;
    for (const routing::Snapshot::Centre &c : d->snapshot->centres())
        if (!c.self && std::find(out.begin(), out.end(), c.host) == out.end())
            out.push_back(c.host);
    return out;
}

// ---- CLI ----

void RouteCore::register_cli() {
    std::weak_ptr<RouteCore> weak = shared_from_this();
    host_.register_cli(
        {"route test", "route test NUMBER [--from CALLER]",
         "show how a number would be routed, step by step, and the ROUTE_* variables",
         [weak](std::shared_ptr<CliRequest> r) {
             if (auto self = weak.lock())
                 self->test(r);
             else
                 r->reply(1, "app_route is not running\n");
         }});
    host_.register_cli({"route show", "route show",
                        "routing data: counts, generation, when it was loaded",
                        [weak](std::shared_ptr<CliRequest> r) {
                            if (auto self = weak.lock())
                                r->reply(0, self->show());
                            else
                                r->reply(1, "app_route is not running\n");
                        }});
    host_.register_cli({"route show peers", "route show peers",
                        "trusted peers: network, name, kind, context, reach, limits",
                        [weak](std::shared_ptr<CliRequest> r) {
                            if (auto self = weak.lock())
                                r->reply(0, self->show_peers());
                            else
                                r->reply(1, "app_route is not running\n");
                        }});
    host_.register_cli({"route show centres", "route show centres",
                        "centres and trunk gateways: country, priority, weight, health",
                        [weak](std::shared_ptr<CliRequest> r) {
                            if (auto self = weak.lock())
                                r->reply(0, self->show_centres());
                            else
                                r->reply(1, "app_route is not running\n");
                        }});
    host_.register_cli({"route reload", "route reload", "load the routing data from PostgreSQL now",
                        [weak](std::shared_ptr<CliRequest> r) {
                            auto self = weak.lock();
                            if (!self) return r->reply(1, "app_route is not running\n");
                            if (!self->db_.connected())
                                return r->reply(1,
                                                "PostgreSQL is not connected; keeping generation " +
                                                    std::to_string(self->generation()) + "\n");
                            self->force(r);
                        }});
}

void RouteCore::test(const std::shared_ptr<CliRequest> &r) {
    std::string number, caller;
    const auto &a = r->args();
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i] == "--from" && i + 1 < a.size())
            caller = a[++i];
        else if (a[i].rfind("--from=", 0) == 0)
            caller = a[i].substr(7);
        else if (number.empty())
            number = a[i];
        else
            return r->reply(1, "usage: route test NUMBER [--from CALLER]\n");
    }
    if (number.empty()) return r->reply(1, "usage: route test NUMBER [--from CALLER]\n");
    routing::Trace trace;
    routing::Decision d = route(number, caller, &trace);
    std::ostringstream o;
    o << "route test " << number << (caller.empty() ? "" : " from " + caller) << " (generation "
      << generation() << ")\n"
      << trace.text() << "result: "
      << (d.ok() ? std::string(routing::class_name(d.cls)) + " -> " + d.target
                 : "refused " + std::to_string(d.sip_status) + " " + d.cause + ": " + d.reason)
      << "\n";
    for (const auto &[name, value] : d.variables()) o << "  " << name << "=" << value << "\n";
    r->reply(0, o.str());
}

std::string RouteCore::show_peers() const {
    std::shared_ptr<const RouteData> d = data();
    std::ostringstream o;
    if (!d) return "no routing data loaded yet: nothing is trusted\n";
    char buf[256];
    std::snprintf(buf, sizeof buf, "%-20s %-24s %-8s %-16s %-9s %-20s %s\n", "network", "name",
                  "kind", "context", "reach", "caller id", "limits");
    o << buf;
    for (const auto &e : d->peers.entries()) {
        const routing::Peer &p = e.peer;
        std::string limits = (p.max_channels ? std::to_string(p.max_channels) + " channels" : "") +
                             (p.max_channels && p.max_cps > 0 ? ", " : "");
        if (p.max_cps > 0) {
            char cps[32];
            std::snprintf(cps, sizeof cps, "%g calls/s", p.max_cps);
            limits += cps;
        }
        const std::string cid = std::string(routing::caller_id_form_name(p.caller_id)) +
                                (p.asserted_identity ? "+asserted" : "");
        std::snprintf(buf, sizeof buf, "%-20s %-24s %-8s %-16s %-9s %-20s %s\n",
                      e.net.text().c_str(), p.name.c_str(), p.kind.c_str(), p.context.c_str(),
                      routing::reach_name(p.reach), cid.c_str(),
                      limits.empty() ? "none" : limits.c_str());
        o << buf;
    }
    o << d->peers.size() << " peers\n";
    return o.str();
}

std::string RouteCore::show_centres() const {
    std::shared_ptr<const RouteData> d = data();
    if (!d || !d->snapshot) return "no routing data loaded yet\n";
    const auto *health = host_.service<HealthService>(services::kSipHealth);
    std::ostringstream o;
    char buf[512];
    std::snprintf(buf, sizeof buf, "%-7s %-28s %-26s %8s %6s  %s\n", "country", "name", "host",
                  "priority", "weight", "health");
    o << buf;
    const auto &all = d->snapshot->centres();
    for (int code = 1; code < 1000; ++code) {
        char cc[4];
        std::snprintf(cc, sizeof cc, "%03d", code);
        for (int i : d->snapshot->centres_for(cc)) {
            const routing::Snapshot::Centre &c = all[i];
            std::string state = c.self ? "this centre" : health ? health->state(c.host) : "";
            if (state.empty()) state = health ? "not watched" : "not watched (no chan_sip)";
            std::snprintf(buf, sizeof buf, "%-7s %-28s %-26s %8d %6d  %s\n", cc, c.name.c_str(),
                          c.host.c_str(), c.priority, c.weight, state.c_str());
            o << buf;
        }
    }
    o << all.size() << " centres\n";
    return o.str();
}

std::string RouteCore::show() const {
    std::shared_ptr<const RouteData> d = data();
    std::ostringstream o;
    auto line = [&o](const char *k, const std::string &v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%-17s", k);
        o << buf << v << "\n";
    };
    line("generation:", std::to_string(generation()));
    line("loaded at:",
         d ? when(d->loaded_at) + " (" + std::to_string(d->load_ms) + " ms)" : "never");
    line("database:", db_.connected() ? "connected, listening on vce_routing" : "not connected");
    if (d) {
        const RouteCounts &c = d->counts;
        line("home country:", d->home_country);
        line("this centre:", d->self_centre.empty() ? "(none)" : d->self_centre);
        line("numbers:", std::to_string(c.numbers));
        line("accounts:", std::to_string(c.accounts));
        line("branches:", std::to_string(c.branches));
        line("aliases:", std::to_string(c.aliases));
        line("carriers:",
             std::to_string(c.carriers) + " (" + std::to_string(c.carrier_prefixes) + " prefixes)");
        line("trunks:", std::to_string(c.trunks));
        line("centres:", std::to_string(c.centres));
        line("countries:", std::to_string(c.countries));
        line("rates:", std::to_string(c.rates));
        line("trusted peers:", std::to_string(c.trusted));
        line("pstn:",
             d->pstn_trunk.empty() ? "tdm (TDM/<group>/<number>)" : "sip via " + d->pstn_trunk);
        line("memory:", std::to_string(d->snapshot->memory() / 1024) + " KiB (per-member tables)");
        line("skipped rows:", std::to_string(c.skipped));
        for (const std::string &w : d->warnings) o << "  " << w << "\n";
    }
    line("last error:", last_error_.empty() ? "none" : last_error_);
    return o.str();
}

}  // namespace vce::approute
