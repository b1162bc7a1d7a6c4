// SIP engine: the agent, request dispatch, authentication, OPTIONS, durable writes,
// housekeeping, and the status views.
#include "Engine.h"

#include <sofia-sip/nta_stateless.h>
#include <sofia-sip/nta_tport.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_util.h>
#include <sofia-sip/su_tag.h>
#include <sofia-sip/tport_tag.h>
#include <sys/time.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <sstream>

#include "CallSession.h"
#include "InDialogRule.h"
#include "Relay.h"
#include "RequestTransport.h"
#include "SipText.h"
#include "TlsCredentials.h"
#include "vce/DialplanService.h"
#include "vce/Host.h"
#include "vce/Log.h"
#include "vce/RouteService.h"

namespace vce::sip {

Engine::Engine(Host &host, SipConfig cfg, std::shared_ptr<SharedSipState> shared, unsigned worker)
    : counters(shared->counters),
      host_(host),
      cfg_(std::move(cfg)),
      loop_(cfg_.workers > 1 ? "sip " + std::to_string(worker) + " (sofia-sip nta)"
                             : "sip (sofia-sip nta)"),
      shared_(std::move(shared)),
      worker_(worker),
      location_(shared_->location),
      auth_(shared_->auth),
      flood_(shared_->flood),
      guard_(shared_->auth_guard) {
    if (cfg_.workers > 1) private_port_ = cfg_.worker_port_base + static_cast<int>(worker);
    self_uri_ = "sip:" + (cfg_.advertise.empty() ? cfg_.bind_ip : cfg_.advertise) + ":" +
                std::to_string(private_port_ ? private_port_ : cfg_.port);
    if (cfg_.tls_port)
        self_tls_uri_ = "sip:" + (cfg_.advertise.empty() ? cfg_.bind_ip : cfg_.advertise) + ":" +
                        std::to_string(cfg_.tls_port) + ";transport=tls";
    host_node_ = host.node();
}

Engine::~Engine() {
    life_.end();  // database answers and core-thread work still queued for us are dropped
    stop();
}

RouteService *Engine::router() const {
    return host_.service<RouteService>(services::kRouter);
}
DialplanService *Engine::dialplan() const {
    return host_.service<DialplanService>(services::kDialplan);
}

int64_t Engine::now() const {
    return static_cast<int64_t>(time(nullptr));
}
double Engine::now_precise() const {
    timeval tv;
    gettimeofday(&tv, nullptr);
    return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6;
}

std::string Engine::start() {
    return loop_.start([this](su_root_t *root) -> std::string {
        // One thread: the SIP port as configured. Several: this thread's private UDP port
        // first (sofia sends its requests from the first transport), then the shared port
        // (UDP in every thread; TCP only in the first, which then owns every TCP connection).
        // advertise: the public address in what we send, bound to bind's (maddr).
        const std::string maddr = cfg_.advertise.empty() ? "" : ";maddr=" + cfg_.bind_ip;
        std::string shared = "sip:" + (cfg_.advertise.empty() ? cfg_.bind_ip : cfg_.advertise) +
                             ":" + std::to_string(cfg_.port) + maddr;
        bool tcp = cfg_.tcp && worker_ == 0, udp = cfg_.udp || private_port_;
        std::string transport = udp && tcp ? "" : udp ? ";transport=udp" : ";transport=tcp";
        std::string contact =
            private_port_ ? self_uri_ + maddr + ";transport=udp" : shared + transport;
        agent_ = nta_agent_create(root, URL_STRING_MAKE(contact.c_str()), &Engine::on_stateless,
                                  reinterpret_cast<nta_agent_magic_t *>(this), NTATAG_UA(0),
                                  NTATAG_SERVER_RPORT(1), NTATAG_CLIENT_RPORT(1),
                                  NTATAG_TIMER_C(185 * 1000), NTATAG_SIP_T1X64(cfg_.t1x64),
                                  NTATAG_SIP_T4(cfg_.t4), TPTAG_UDP_RMEM(cfg_.udp_buffer),
                                  TPTAG_UDP_WMEM(cfg_.udp_buffer),
                                  // RFC 5626 keepalives: a CRLF CRLF ping over TCP gets a CRLF
                                  TPTAG_PONG2PING(1), TAG_END());
        if (!agent_) return "cannot listen for SIP on " + contact + ": " + std::strerror(errno);
        if (private_port_) {
            std::string shared_contact = shared + (tcp && cfg_.udp ? ""
                                                   : cfg_.udp      ? ";transport=udp"
                                                                   : ";transport=tcp");
            if (nta_agent_add_tport(agent_, URL_STRING_MAKE(shared_contact.c_str()),
                                    TPTAG_UDP_RMEM(cfg_.udp_buffer),
                                    TPTAG_UDP_WMEM(cfg_.udp_buffer), TAG_END()) < 0)
                return "cannot listen for SIP on " + shared_contact + ": " + std::strerror(errno);
        }
        if (worker_ == 0 && cfg_.tls_port) {
            std::string why = listen_tls(maddr);
            if (!why.empty()) return why;
        }
        leg_ =
            nta_leg_tcreate(agent_, &Engine::on_request, reinterpret_cast<nta_leg_magic_t *>(this),
                            NTATAG_NO_DIALOG(1), TAG_END());
        if (!leg_) return "cannot create the default SIP leg";
        if (worker_ == 0 && !cfg_.upstreams.empty()) {
            upstream_ =
                std::make_unique<UpstreamClient>(*this, cfg_.upstreams, shared_->upstream_states);
            shared_->upstream_states.on_retry([this](const std::string &name) {
                loop_.post([this, name] {
                    if (upstream_) upstream_->retry(name);
                });
            });
        }
        if (worker_ == 0 && cfg_.qualify_seconds > 0)
            qualifier_ = std::make_unique<BindingQualifier>(
                *this, cfg_.qualify_seconds, cfg_.qualify_misses, cfg_.qualify_silence_ms);
        if (worker_ == 0 && cfg_.centre_keepalive > 0)
            centres_ = std::make_unique<CentreMonitor>(
                *this, shared_->centre_health, cfg_.centre_keepalive, cfg_.centre_silence_ms);
        timer_ = su_timer_create(su_root_task(root), 1000);
        su_timer_set_for_ever(timer_, &Engine::on_timer, reinterpret_cast<su_timer_arg_t *>(this));
        if (private_port_)
            VCE_LOG_NOTICE("SIP thread %u listening on %s (%s%s%s) and %s (udp)", worker_,
                           shared.c_str(), cfg_.udp ? "udp" : "", cfg_.udp && tcp ? "," : "",
                           tcp ? "tcp" : "", self_uri_.c_str());
        else
            VCE_LOG_NOTICE("SIP listening on %s (%s%s%s)", self_uri_.c_str(), cfg_.udp ? "udp" : "",
                           cfg_.udp && cfg_.tcp ? "," : "", cfg_.tcp ? "tcp" : "");
        return "";
    });
}

// SIP over TLS on tls_port (the first SIP thread, which serves every connection): sofia's
// TLS transport with our certificate (checked when sip.conf was read), TLS 1.2 or later.
std::string Engine::listen_tls(const std::string &maddr) {
    // sips: (sofia binds TLS only for it; a sip: URL offers udp, tcp and sctp).
    const std::string url = "sips:" + (cfg_.advertise.empty() ? cfg_.bind_ip : cfg_.advertise) +
                            ":" + std::to_string(cfg_.tls_port) + maddr;
    std::string why;
    SofiaCertificateDir dir(cfg_.tls_certificate, cfg_.tls_private_key, cfg_.tls_ca_file, why);
    if (!why.empty()) return why;
    TlsFloor floor;
    if (nta_agent_add_tport(agent_, URL_STRING_MAKE(url.c_str()),
                            TPTAG_CERTIFICATE(dir.path().c_str()), TPTAG_TLS_VERSION(0),
                            TPTAG_PONG2PING(1), TAG_END()) < 0)
        return "cannot listen for SIP over TLS on " + url + " (certificate " +
               cfg_.tls_certificate + "): " + std::strerror(errno);
    if (floor.apply() == 0)
        return "SIP over TLS on " + url + ": sofia-sip made no TLS context (is it built with TLS?)";
    VCE_LOG_NOTICE("SIP listening on %s (TLS 1.2 or later, certificate %s)", self_tls_uri_.c_str(),
                   cfg_.tls_certificate.c_str());
    return "";
}

std::string Engine::record_route_for(const std::string &transport) const {
    if (transport == "tls" && !self_tls_uri_.empty()) return "<" + self_tls_uri_ + ";lr>";
    return "<" + self_uri_ + ";lr>";
}

void Engine::stop() {
    loop_.stop([this] {
        if (upstream_) shared_->upstream_states.on_retry(nullptr);  // no more posts to it
        upstream_.reset();  // unregisters while the agent still runs
        centres_.reset();
        qualifier_.reset();
        connections_.clear();  // before the agent: they hold its connections
        sessions_.clear();
        calls_in_setup_.clear();
        relays_.clear();
        deliveries_.clear();
        closing_.clear();
        answered_.clear();  // their timers go with the loop
        for (auto &[call_id, g] : gateway_) g.tech->hangup(g.handle);
        gateway_.clear();
        if (timer_) su_timer_destroy(timer_);
        timer_ = nullptr;
        if (leg_) nta_leg_destroy(leg_);
        leg_ = nullptr;
        if (agent_) nta_agent_destroy(agent_);
        agent_ = nullptr;
    });
}

void Engine::on_timer(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg) {
    reinterpret_cast<Engine *>(arg)->housekeeping();
}

void Engine::housekeeping() {
    if (worker_ != 0) return;  // the shared state is tidied by the first SIP thread
    int64_t t = now();
    for (const Binding &b : location_.expire(t)) {
        connections_.erase(b.aor + "\n" + b.terminal_id);
        persist_async(
            {"DELETE FROM bindings WHERE aor = $1 AND terminal_id = $2 AND expires_at <= now()",
             {b.aor, b.terminal_id}});
    }
    static int ticks = 0;
    if (++ticks % 30 == 0) {
        auth_.purge(t);
        flood_.purge(now_precise());
        guard_.purge(now_precise());
        // res_sms's own (report_to set) expire with a report to their sender: it deletes them.
        persist_async(
            {"DELETE FROM queued_messages WHERE expires_at < now() AND report_to IS NULL", {}});
    }
}

// --- cross-thread plumbing -------------------------------------------------------------

void Engine::persist(std::vector<SqlWrite> writes, std::function<void(int)> done) {
    host_.post(life_.guard([this, writes = std::move(writes), done = std::move(done)]() mutable {
        Database *db = host_.service<Database>(services::kDatabase);
        if (!db || writes.empty()) {
            loop_.post([done] { done(db_unavailable_status()); });
            return;
        }
        auto remaining = std::make_shared<size_t>(writes.size());
        auto worst = std::make_shared<int>(0);
        auto finish = [this, remaining, worst, done](int status) {
            if (status > *worst) *worst = status;
            if (--*remaining == 0) {
                int st = *worst;
                loop_.post([done, st] { done(st); });
            }
        };
        for (auto &w : writes) {
            WriteAdmission a = db->write(
                w.sql, std::move(w.params), life_.guard([finish](bool ok, const std::string &err) {
                    if (!ok) VCE_LOG_ERROR("SIP: durable write refused: %s", err.c_str());
                    finish(ok ? 0 : 500);
                }));
            if (a != WriteAdmission::Accepted) finish(503);
        }
    }));
}

void Engine::persist_async(SqlWrite write) {
    host_.post(life_.guard([this, write = std::move(write)]() mutable {
        Database *db = host_.service<Database>(services::kDatabase);
        if (!db) return VCE_LOG_ERROR("SIP: no database; dropped write: %s", write.sql.c_str());
        std::string sql = write.sql;
        if (db->write(write.sql, std::move(write.params), [sql](bool ok, const std::string &err) {
                if (!ok)
                    VCE_LOG_ERROR("SIP: durable write refused: %s (%s)", err.c_str(), sql.c_str());
            }) != WriteAdmission::Accepted)
            VCE_LOG_ERROR("SIP: durable queue full; write refused: %s", sql.c_str());
    }));
}

void Engine::query(std::string sql, SqlParams params, std::function<void(SqlResult)> done) {
    host_.post(life_.guard(
        [this, sql = std::move(sql), params = std::move(params), done = std::move(done)]() mutable {
            Database *db = host_.service<Database>(services::kDatabase);
            if (!db) {
                SqlResult r;
                r.error = "no database module";
                loop_.post([done, r] { done(r); });
                return;
            }
            db->query(sql, std::move(params), life_.guard([this, done](const SqlResult &r) {
                loop_.post([done, r] { done(r); });
            }));
        }));
}

void Engine::load_bindings(std::vector<Binding> bindings) {
    loop_.post([this, bindings = std::move(bindings)] { store_bindings(bindings); });
}

void Engine::load_bindings(std::shared_ptr<const SqlRowSet> rows) {
    loop_.post([this, rows = std::move(rows)]() mutable {
        auto text = [&](size_t r, size_t c) { return std::string(rows->text(r, c)); };
        std::vector<Binding> bindings(rows->rows());
        for (size_t i = 0; i < bindings.size(); ++i) {
            Binding &b = bindings[i];
            b.aor = text(i, 0);
            b.terminal_id = text(i, 1);
            b.contact = text(i, 2);
            b.received = text(i, 3);
            b.transport = rows->is_null(i, 4) ? "udp" : text(i, 4);
            b.expires_at = std::atoll(text(i, 5).c_str());
            b.user_agent = text(i, 6);
            b.call_id = text(i, 7);
            b.cseq = static_cast<uint32_t>(std::atol(text(i, 8).c_str()));
        }
        rows.reset();
        store_bindings(bindings);
    });
}

void Engine::store_bindings(const std::vector<Binding> &bindings) {
    size_t n = 0;
    for (const auto &b : bindings) {
        // A TCP or TLS binding lived on a connection of the previous process: gone.
        if (b.transport == "tcp" || b.transport == "tls") {
            persist_async(
                {"DELETE FROM bindings WHERE aor = $1 AND terminal_id = $2 AND "
                 "received = $3 AND transport = $4",
                 {b.aor, b.terminal_id, b.received, b.transport}});
            continue;
        }
        location_.put(b);
        ++n;
    }
    VCE_LOG_NOTICE("SIP: %zu bindings restored from the database", n);
}

void Engine::show_registrations(const std::string &aor, std::function<void(std::string)> reply) {
    loop_.post([this, aor, reply] {
        std::ostringstream o;
        int64_t t = now();
        size_t n = 0;
        for (const auto &a : aor.empty() ? location_.aors() : std::vector<std::string>{aor}) {
            for (const auto &b : location_.lookup(a, t)) {
                o << b.aor << "  " << b.contact << "  via " << b.transport << " " << b.received
                  << "  expires in " << (b.expires_at - t) << "s  terminal " << b.terminal_id
                  << (b.user_agent.empty() ? "" : "  (" + b.user_agent + ")") << "\n";
                ++n;
            }
        }
        o << n << " bindings\n";
        reply(o.str());
    });
}

void Engine::show_upstream(std::function<void(std::string)> reply) {
    loop_.post([this, reply] {
        reply(upstream_ ? upstream_->show() : "no [upstream:...] in sip.conf\n");
    });
}

namespace {

std::string clock_text(double t) {
    time_t secs = static_cast<time_t>(t);
    tm parts{};
    localtime_r(&secs, &parts);
    char buf[32];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &parts);
    return buf;
}

std::string seconds_text(double d) {
    return std::to_string(static_cast<long>(d + 0.5)) + " s";
}

// `sip show security`: the settings in force, then what is blocked and throttled, and why.
std::string security_text(const AuthFailureGuard &g, const SipCounters &c, double now) {
    const AuthGuardSettings &s = g.settings();
    std::ostringstream o;
    if (!g.enabled()) {
        o << "password guessing guard: off (auth_fail_limit = 0)\n"
          << "auth failures:    " << c.auth_failed << "\n";
        return o.str();
    }
    const std::string n = std::to_string(s.limit), w = seconds_text(s.window);
    o << "password guessing guard: on\n"
      << "  a source:       " << n << " failures within " << w << " block it for "
      << seconds_text(s.block) << " (403, no challenge)\n"
      << "  an account:     " << n << " failures within " << w
      << " from several sources throttle it: each further one doubles a lock-out ("
      << seconds_text(s.first_lockout) << " .. " << seconds_text(s.block)
      << ") that blocks the failing source\n"
      << "  exempt:         flood_trusted, trusted peers, upstream servers; for an account, the "
         "addresses it authenticated from within "
      << seconds_text(s.owner_memory) << "\n";
    AuthGuardView v = g.view(now);
    o << "tracked:          " << v.tracked_sources << " sources, " << v.tracked_accounts
      << " accounts (at most " << s.max_sources << " / " << s.max_accounts << ")\n"
      << "auth failures:    " << c.auth_failed << "\n"
      << "auth refused:     " << c.auth_refused << " requests from blocked sources\n"
      << "blocked sources:  " << v.sources.size() << "\n";
    for (const auto &b : v.sources)
        o << "  " << b.ip << "  failures " << b.failures << "  user " << printable(b.account)
          << "  " << b.why << "  since " << clock_text(b.since) << "  until " << clock_text(b.until)
          << " (" << seconds_text(b.until - now) << " left)\n";
    o << "throttled accounts: " << v.accounts.size() << "\n";
    for (const auto &a : v.accounts)
        o << "  " << printable(a.account) << "  failures " << a.failures << "  sources blocked "
          << a.sources_locked << "  since " << clock_text(a.since) << "  lock-out "
          << seconds_text(a.lockout) << " until " << clock_text(a.until) << " ("
          << seconds_text(a.until > now ? a.until - now : 0) << " left)\n";
    return o.str();
}

}  // namespace

void Engine::show_security(std::function<void(std::string)> reply) {
    loop_.post([this, reply] { reply(security_text(guard_, counters, now_precise())); });
}

void Engine::show_status(std::function<void(std::string)> reply) {
    loop_.post([this, reply] {
        std::ostringstream o;
        o << "listening:        " << self_uri_ << "\n";
        if (!self_tls_uri_.empty()) o << "TLS:              " << self_tls_uri_ << "\n";
        o << "realm:            " << cfg_.realm << "\n"
          << "numbers online:   " << location_.aor_count() << " (" << location_.binding_count()
          << " bindings)\n"
          << "SIP threads:      " << cfg_.workers << "\n"
          << "calls in setup:   " << counters.calls_in_setup << "\n"
          << "requests:         " << counters.requests << "\n"
          << "REGISTER:         " << counters.registers << " (" << counters.register_ok << " ok)\n"
          << "auth failures:    " << counters.auth_failed << "\n"
          << "auth refused:     " << counters.auth_refused << " (source blocked for guessing)\n"
          << "INVITE:           " << counters.invites << "\n"
          << "MESSAGE:          " << counters.messages << " (" << counters.messages_stored
          << " stored)\n"
          << "flood dropped:    " << counters.flood_dropped << "\n";
        reply(o.str());
    });
}

// --- requests ---------------------------------------------------------------------------

int Engine::on_request(nta_leg_magic_t *self, nta_leg_t *, nta_incoming_t *irq, sip_t const *sip) {
    return reinterpret_cast<Engine *>(self)->handle(irq, sip);
}

static Source source_of(nta_agent_t *agent, nta_incoming_t *irq, sip_t const *sip) {
    Source s;
    msg_t *msg = nta_incoming_getrequest(irq);
    peer_of(msg, s.ip, s.port);
    if (msg) msg_destroy(msg);
    s.transport = request_transport(agent, irq);
    if (s.transport.empty())  // by the Via, as the sender says
        s.transport =
            sip->sip_via && sip->sip_via->v_protocol && strcasestr(sip->sip_via->v_protocol, "TCP")
                ? "tcp"
                : "udp";
    return s;
}

int Engine::handle(nta_incoming_t *irq, sip_t const *sip) {
    ++counters.requests;
    Source src = source_of(agent_, irq, sip);
    sip_method_t m = sip->sip_request->rq_method;
    bool first_block = false;
    if (!flood_.allow(src.ip, now_precise(), &first_block)) {
        ++counters.flood_dropped;
        if (first_block)
            log::security("flood", src.ip, src.port, "request rate above the limit; dropping");
        if (m == sip_method_ack) return nta_incoming_destroy(irq), 0;
        nta_incoming_treply(irq, 503, "Service Unavailable", SIPTAG_RETRY_AFTER_STR("5"),
                            TAG_END());
        nta_incoming_destroy(irq);
        return 0;
    }
    if (sip->sip_max_forwards && sip->sip_max_forwards->mf_count == 0 && m != sip_method_register &&
        m != sip_method_options && m != sip_method_ack)
        return 483;
    bool in_dialog = sip->sip_to && sip->sip_to->a_tag;
    if (in_dialog || m == sip_method_ack || m == sip_method_bye)
        return handle_in_dialog(irq, sip, src);
    switch (m) {
        case sip_method_register:
            return handle_register(irq, sip, src);
        case sip_method_invite:
            return handle_invite(irq, sip, src);
        case sip_method_message:
            return handle_message(irq, sip, src);
        case sip_method_options:
            nta_incoming_treply(
                irq, 200, "OK",
                SIPTAG_ALLOW_STR("INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE, REGISTER"),
                SIPTAG_ACCEPT_STR("text/plain, application/sdp"), TAG_END());
            nta_incoming_destroy(irq);
            return 0;
        case sip_method_cancel:
            return 481;  // a CANCEL that matched no INVITE
        default:
            nta_incoming_treply(
                irq, 405, "Method Not Allowed",
                SIPTAG_ALLOW_STR("INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE, REGISTER"),
                TAG_END());
            nta_incoming_destroy(irq);
            return 0;
    }
}

bool Engine::authenticate(nta_incoming_t *irq, sip_t const *sip, const Source &src, bool proxy,
                          std::string &user) {
    const sip_authorization_t *au =
        proxy ? reinterpret_cast<const sip_authorization_t *>(sip->sip_proxy_authorization)
              : sip->sip_authorization;
    for (; au; au = au->au_next)
        if (au->au_scheme && strcasecmp(au->au_scheme, "Digest") == 0 &&
            param(au->au_params, "realm") == cfg_.realm)
            break;
    int64_t t = now();
    bool sha256 = cfg_.offer_sha256;
    if (sha256 && sip->sip_user_agent && sip->sip_user_agent->g_string)
        for (const auto &a : cfg_.md5_only_agents)
            if (std::strstr(sip->sip_user_agent->g_string, a.c_str())) sha256 = false;
    auto challenge = [&](bool stale) {
        // MD5 first: many phones (and SIPp) take the first challenge and know only MD5;
        // clients that prefer SHA-256 (RFC 8760) pick it from the second header.
        std::string md5 = auth_.challenge("MD5", t, stale),
                    sha = auth_.challenge("SHA-256", t, stale);
        int status = proxy ? 407 : 401;
        const char *phrase = proxy ? "Proxy Authentication Required" : "Unauthorized";
        if (proxy)
            nta_incoming_treply(irq, status, phrase, SIPTAG_PROXY_AUTHENTICATE_STR(md5.c_str()),
                                TAG_IF(sha256, SIPTAG_PROXY_AUTHENTICATE_STR(sha.c_str())),
                                TAG_END());
        else
            nta_incoming_treply(irq, status, phrase, SIPTAG_WWW_AUTHENTICATE_STR(md5.c_str()),
                                TAG_IF(sha256, SIPTAG_WWW_AUTHENTICATE_STR(sha.c_str())),
                                TAG_END());
        nta_incoming_destroy(irq);
    };
    auto refuse = [&] {
        nta_incoming_treply(irq, 403, "Forbidden", TAG_END());
        nta_incoming_destroy(irq);
    };
    // A source blocked for guessing: 403 at once, no challenge, no digest work. The same
    // answer as to a wrong password, whatever account or number the request names.
    const bool guarded = guard_.enabled() && !trusted_source(src.ip);
    const double clock = now_precise();
    if (guarded && !guard_.admit(src.ip, clock)) {
        ++counters.auth_refused;
        refuse();
        return false;
    }
    if (!au) {
        challenge(false);
        return false;
    }
    DigestResponse r = DigestResponse::from_params(params_of(au->au_params));
    RouteService *rs = router();
    std::optional<AccountAuth> acct = rs ? rs->account(r.username) : std::nullopt;
    // An unknown or disabled account goes through the same checks as one that exists (a
    // forged nonce is challenged again, anything else refused), so the answer cannot tell
    // which user names exist.
    const char *method = sip->sip_request->rq_method_name;
    DigestVerdict v = acct ? auth_.verify(r, method, {acct->ha1_md5, acct->ha1_sha256}, t)
                           : auth_.verify_unknown(r, method, t);
    if (v == DigestVerdict::Ok) {
        user = r.username;
        if (guarded) guard_.succeeded(src.ip, user, clock);
        return true;
    }
    if (v == DigestVerdict::Stale) {
        challenge(true);
        return false;
    }
    ++counters.auth_failed;
    // The password is never logged; the user name and the reason are.
    log::security("auth_failed", src.ip, src.port,
                  "user=" + printable(r.username) + " method=" + method +
                      " reason=" + (acct ? to_string(v) : "unknown or disabled account"));
    if (v == DigestVerdict::BadNonce || v == DigestVerdict::Replay) {
        challenge(false);  // not a verdict on a password: not counted as a guess
        return false;
    }
    if (guarded) report(guard_.failed(src.ip, r.username, false, clock), src);
    refuse();
    return false;
}

bool Engine::trusted_source(const std::string &ip) const {
    if (flood_.trusted(ip) || upstream_at(cfg_.upstreams, ip)) return true;
    RouteService *rs = router();
    return rs && rs->peer_at(ip).has_value();
}

// One SECURITY line per block the guard started (never a password or a digest response).
void Engine::report(const std::vector<AuthGuardEvent> &events, const Source &src) {
    const AuthGuardSettings &s = guard_.settings();
    auto secs = [](double d) { return std::to_string(static_cast<long>(d + 0.5)) + "s"; };
    for (const auto &ev : events) {
        if (ev.kind == AuthGuardEvent::SourceBlocked)
            log::security("auth_blocked", src.ip, src.port,
                          "user=" + printable(ev.account) + " failures=" +
                              std::to_string(ev.failures) + " window=" + secs(s.window) +
                              " blocked_for=" + secs(ev.seconds) + " reason=" + ev.why);
        else
            log::security("auth_throttled", src.ip, src.port,
                          "user=" + printable(ev.account) + " failures=" +
                              std::to_string(ev.failures) + " window=" + secs(s.window) +
                              " lockout=" + secs(ev.seconds) + " max=" + secs(s.block) +
                              " reason=guessed at from several sources; each further failure "
                              "doubles the lock-out and blocks its source for it");
    }
}

bool Engine::is_self(const url_t *url) const {
    if (!url || !url->url_host) return false;
    const bool sips = url->url_type == url_sips;
    std::string port = url->url_port ? url->url_port : sips ? "5061" : "5060";
    return (cfg_.bind_ip == url->url_host || cfg_.advertise == url->url_host) &&
           (port == std::to_string(cfg_.port) ||
            (private_port_ && port == std::to_string(private_port_)) ||
            (cfg_.tls_port && port == std::to_string(cfg_.tls_port)));
}

std::string Engine::dialled_of(const url_t *u) const {
    std::string user = unescape_user(u->url_user);
    std::string host = u->url_host ? u->url_host : "";
    if (user.empty()) return host;
    if (is_self(u) || host == cfg_.domain || host == cfg_.bind_ip ||
        (!cfg_.advertise.empty() && host == cfg_.advertise))
        return user;
    return user + "@" + host;
}

Relay &Engine::start_relay(nta_incoming_t *irq, std::function<bool(int)> on_failure) {
    auto r = std::make_unique<Relay>(*this, irq, std::move(on_failure));
    Relay &ref = *r;
    relays_[r.get()] = std::move(r);
    return ref;
}

void Engine::end_relay(Relay *r) {
    loop_.post([this, r] { relays_.erase(r); });
}

void Engine::end_session(uint64_t id) {
    // Deferred: the session may be on the stack (inside one of its own callbacks).
    loop_.post([this, id] {
        auto it = sessions_.find(id);
        if (it == sessions_.end()) return;
        auto c = calls_in_setup_.find(it->second->call_id());
        if (c != calls_in_setup_.end() && --c->second == 0) calls_in_setup_.erase(c);
        sessions_.erase(it);
        --counters.calls_in_setup;
    });
}

int Engine::on_stateless(nta_agent_magic_t *self, nta_agent_t *, msg_t *msg, sip_t *sip) {
    auto *e = reinterpret_cast<Engine *>(self);
    // Responses that no transaction wants (e.g. 2xx retransmissions): forward by Via.
    if (sip && sip->sip_status && sip->sip_via && sip->sip_via->v_next) {
        sip_via_remove(msg, sip);
        nta_msg_tsend(e->agent_, msg, nullptr, TAG_END());
        return 0;
    }
    msg_destroy(msg);
    return 0;
}

bool Engine::may_send_to(const std::string &hostport, routing::Reach reach,
                         const std::string &call_id) const {
    RouteService *rs = router();
    const routing::Reach needed = rs ? rs->reach_needed_at(hostport) : routing::Reach::Own;
    if (reach >= needed) return true;
    VCE_LOG_WARNING("SIP: call %s: refused SIP/%s/...: the caller may reach %s, that host needs %s",
                    printable(call_id).c_str(), printable(hostport).c_str(),
                    routing::reach_name(reach), routing::reach_name(needed));
    return false;
}

ChannelRegistry *Engine::channels() const {
    return host_.service<ChannelRegistry>(services::kChannels);
}

void Engine::post_gateway_event(uint64_t session, DialEvent ev) {
    loop_.post([this, session, ev] {
        auto answered = gateway_by_session_.find(session);
        if (answered != gateway_by_session_.end()) {
            if (ev.kind == DialEvent::Ended || ev.kind == DialEvent::Failed)
                end_gateway_from_far_end(answered->second);
            return;
        }
        auto it = sessions_.find(session);
        if (it != sessions_.end()) it->second->gateway_event(ev);
    });
}

void Engine::await_bye(const CallRecord &leg, std::vector<std::string> hosts, PeerChannel channel,
                       ProxiedDialog dialog, CreditGrant grant) {
    AnsweredCall &a = answered_[leg.call_id];
    a = AnsweredCall{leg, std::move(hosts), std::move(channel), std::move(dialog), nullptr};
    a.credit = watch_credit(leg, grant);
}

bool Engine::in_dialog_allowed(const std::string &call_id, const std::string &host,
                               const Source &src) const {
    auto it = answered_.find(call_id);
    if (it != answered_.end()) {
        const auto &h = it->second.hosts;
        if (std::find(h.begin(), h.end(), host) != h.end()) return true;
        log::security("in_dialog_target", src.ip, src.port,
                      "call-id=" + printable(call_id).substr(0, 64) + " target=" + printable(host) +
                          " is no party of the dialog");
        return false;
    }
    // Early dialogs (PRACK, UPDATE before the answer) of a call still being set up.
    return calls_in_setup_.count(call_id) > 0;
}

void Engine::gateway_answered(uint64_t session, const std::string &call_id, GatewayCall g) {
    gateway_by_session_[session] = call_id;
    gateway_[call_id] = std::move(g);
}

// The caller hung up (BYE to us): end the other technology's leg.
bool Engine::end_gateway_from_caller(nta_incoming_t *irq, sip_t const *sip) {
    if (!sip->sip_call_id) return false;
    auto it = gateway_.find(sip->sip_call_id->i_id);
    if (it == gateway_.end()) return false;
    const InDialogAnswer a = in_dialog_answer(sip->sip_request->rq_method);
    if (!a.ends_call) {
        if (a.status) nta_incoming_treply(irq, a.status, sip_status_phrase(a.status), TAG_END());
        nta_incoming_destroy(irq);
        return true;
    }
    GatewayCall g = std::move(it->second);
    gateway_.erase(it);
    for (auto s = gateway_by_session_.begin(); s != gateway_by_session_.end();)
        s = s->second == sip->sip_call_id->i_id ? gateway_by_session_.erase(s) : std::next(s);
    g.tech->hangup(g.handle);
    nta_incoming_treply(irq, 200, "OK", TAG_END());
    nta_incoming_destroy(irq);
    close_cdr(g.cdr);
    // The BYE came in on the dialog's own leg: let it go after this callback.
    loop_.post([dialog = std::make_shared<Dialog>(std::move(g.dialog))] {});
    return true;
}

// The far end (PSTN) hung up: BYE to the caller, in the dialog we answered.
void Engine::end_gateway_from_far_end(const std::string &call_id) {
    auto it = gateway_.find(call_id);
    if (it == gateway_.end()) return;
    GatewayCall g = std::move(it->second);
    gateway_.erase(it);
    for (auto s = gateway_by_session_.begin(); s != gateway_by_session_.end();)
        s = s->second == call_id ? gateway_by_session_.erase(s) : std::next(s);
    close_cdr(g.cdr);
    OutgoingTx bye =
        g.dialog.bye(&Engine::on_closing_response, reinterpret_cast<nta_outgoing_magic_t *>(this));
    if (!bye) {
        VCE_LOG_WARNING("SIP: cannot send BYE for gateway call %s", printable(call_id).c_str());
        return;
    }
    nta_outgoing_t *orq = bye.get();
    closing_[orq] = Closing{std::move(g.dialog), std::move(bye)};
}

int Engine::on_closing_response(nta_outgoing_magic_t *self, nta_outgoing_t *orq, sip_t const *sip) {
    if (sip && sip->sip_status->st_status < 200) return 0;
    auto *e = reinterpret_cast<Engine *>(self);
    // Deferred: we are inside the transaction's own callback.
    e->loop_.post([e, orq] { e->closing_.erase(orq); });
    return 0;
}

void Engine::close_cdr(CallRecord &l, const std::string &outcome, int sip_status) {
    if (!l.close(now_precise(), outcome, sip_status)) return;
    // The leg is over: its media ports are freed.
    if (MediaRelayService *relay = media_relay()) relay->release(l.call_id);
    auto ts = [](double t) -> SqlParam {
        return t > 0 ? SqlParam(std::to_string(t)) : std::nullopt;
    };
    const long billable = l.billable_seconds();
    SqlParams p = {l.call_id,
                   std::to_string(l.leg),
                   l.caller,
                   l.dialled,
                   l.routed_to,
                   l.cls,
                   l.route,
                   ts(l.started),
                   ts(l.ring),
                   ts(l.answered),
                   ts(l.ended),
                   std::to_string(billable),
                   l.disposition,
                   l.status ? SqlParam(std::to_string(l.status)) : SqlParam(),
                   l.payer.empty() ? SqlParam() : SqlParam(l.payer)};
    // Written, rated, charged to the payer and its reservation freed in one transaction
    // (sql/013_cdr_record.sql, sql/015_balances.sql).
    persist_async(
        {"SELECT cdr_record($1, $2::int, $3, $4, $5, $6, $7, $8::float8, $9::float8, $10::float8, "
         "$11::float8, $12::int, $13, $14::int, $15)",
         std::move(p)});
}

}  // namespace vce::sip
