// chan_sip: registering with upstream exchanges (see UpstreamClient.h).
#include "UpstreamClient.h"

#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "Engine.h"
#include "SipText.h"
#include "vce/Log.h"

namespace vce::sip {

namespace {
std::string request_uri(const UpstreamConfig &u) {
    return "sip:" + u.domain;
}
std::string next_hop(const UpstreamConfig &u, std::size_t server) {
    const UpstreamServer &s = u.servers[server];
    return "sip:" + s.host + ":" + std::to_string(s.port) + ";transport=" + u.transport;
}
std::string seconds_text(int64_t ms) {
    return std::to_string((ms + 999) / 1000) + " s";
}
}  // namespace

UpstreamClient::UpstreamClient(Engine &engine, const std::vector<UpstreamConfig> &upstreams,
                               UpstreamStates &states)
    : engine_(engine), states_(states), upstreams_(upstreams), random_(std::random_device{}()) {
    for (const UpstreamConfig &u : upstreams_)
        for (const std::string &n : u.numbers) {
            auto r = std::make_unique<Registration>(this, &u, n);
            r->call_id = "up-" + random_hex(12) + "@" + u.name;
            r->from_tag = random_hex(6);
            r->aor = "sip:" + n + "@" + u.domain;
            regs_.push_back(std::move(r));
        }
    for (auto &r : regs_) run(*r, r->machine.start(now_ms()));
    for (const UpstreamConfig &u : upstreams_) {
        if (u.keepalive_s == 0) continue;
        auto k = std::make_unique<Keepalive>();
        k->client = this;
        k->cfg = &u;
        k->probe = std::make_unique<OptionsProbe>(engine_, "ka-" + random_hex(12) + "@" + u.name,
                                                  "sip:" + u.numbers.front() + "@" + u.domain,
                                                  random_hex(6));
        arm(*k, u.keepalive_s * 1000L);
        keepalives_.push_back(std::move(k));
    }
}

UpstreamClient::~UpstreamClient() {
    stopping_ = true;
    keepalives_.clear();  // their timers and OPTIONS first
    for (auto &r : regs_) {
        r->timer.reset();
        if (r->machine.registered_until() > now_ms())
            VCE_LOG_NOTICE("SIP upstream %s %s: unregistering", r->cfg->name.c_str(),
                           r->number.c_str());
        run(*r, r->machine.stop(now_ms()));
    }
    regs_.clear();  // the unregisters are on the wire; their transactions go with them
}

int64_t UpstreamClient::now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

double UpstreamClient::jitter() {
    return std::uniform_real_distribution<double>(0.5, 1.0)(random_);
}

std::string UpstreamClient::random_hex(std::size_t bytes) {
    static const char kHex[] = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < bytes; ++i) {
        const auto b = static_cast<unsigned>(random_() & 0xff);
        s += kHex[b >> 4];
        s += kHex[b & 15];
    }
    return s;
}

std::string UpstreamClient::contact_of(const Registration &r) const {
    // self_uri() is "sip:IP:PORT": our number at our own address.
    return "<sip:" + r.number + "@" + engine_.self_uri().substr(4) +
           (r.cfg->transport == "tcp" ? ";transport=tcp" : "") + ">";
}

void UpstreamClient::run(Registration &r, const std::vector<UpstreamAction> &actions) {
    for (const UpstreamAction &a : actions) {
        switch (a.kind) {
            case UpstreamAction::Kind::Send:
                send(r, a.server, a.expires, false);
                break;
            case UpstreamAction::Kind::Authenticate:
                send(r, r.machine.server(), r.machine.expires_asked(), true);
                break;
            case UpstreamAction::Kind::Cancel:
                r.tx.reset();
                break;
            case UpstreamAction::Kind::StateChange:
                VCE_LOG_NOTICE("SIP upstream %s %s: %s -> %s%s%s", r.cfg->name.c_str(),
                               r.number.c_str(), to_string(a.from), to_string(r.machine.state()),
                               a.reason.empty() ? "" : ": ", a.reason.c_str());
                break;
        }
    }
    states_.set(r.cfg->name, stopping_ ? "stopped" : state_of(r.cfg->name));
    if (!stopping_) arm(r);
}

void UpstreamClient::arm(Registration &r) {
    const int64_t at = r.machine.next_wakeup();
    if (at == INT64_MAX) {
        r.timer.reset();
        return;
    }
    const int64_t delay = std::max<int64_t>(at - now_ms(), 1);
    if (!r.timer.set(engine_.root(), static_cast<long>(std::min<int64_t>(delay, 24LL * 3600000)),
                     &UpstreamClient::on_timer, &r))
        VCE_LOG_ERROR("SIP upstream %s %s: cannot set a timer", r.cfg->name.c_str(),
                      r.number.c_str());
}

void UpstreamClient::on_timer(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg) {
    auto *r = reinterpret_cast<Registration *>(arg);
    UpstreamClient *self = r->client;
    self->run(*r, r->machine.tick(self->now_ms(), self->jitter()));
}

void UpstreamClient::send(Registration &r, std::size_t server, uint32_t expires,
                          bool answer_challenge) {
    const UpstreamConfig &u = *r.cfg;
    // Credentials answer the challenge just received; every later REGISTER (refresh,
    // unregister) carries them too with the last challenge's nonce, counted up, so that a
    // refresh takes one round trip and the unregister sent as we stop is accepted. Only an
    // answer to a fresh challenge counts as "credentials sent" for the machine: a 401 to
    // credentials on an old nonce is a new challenge, not a refusal.
    std::string auth;
    r.credentials_sent = false;
    if (!answer_challenge) r.stale_answered = 0;  // a new try
    const DigestChallenge *c = best_challenge(r.challenges);
    if (c && !u.password.empty()) {
        r.nc = c->nonce == r.nonce ? r.nc + 1 : 1;
        r.nonce = c->nonce;
        auth = digest_authorization(*c, "REGISTER", request_uri(u),
                                    u.username.empty() ? r.number : u.username, u.password,
                                    random_hex(8), r.nc);
        r.credentials_sent = answer_challenge;
    }
    const std::string to = "<" + r.aor + ">", from = to + ";tag=" + r.from_tag,
                      cseq = std::to_string(++r.cseq) + " REGISTER", exp = std::to_string(expires),
                      contact = contact_of(r), hop = next_hop(u, server), ruri = request_uri(u);
    r.tx.reset(nta_outgoing_tcreate(
        engine_.default_leg(), &UpstreamClient::on_response,
        reinterpret_cast<nta_outgoing_magic_t *>(&r), URL_STRING_MAKE(hop.c_str()),
        SIP_METHOD_REGISTER, URL_STRING_MAKE(ruri.c_str()), SIPTAG_TO_STR(to.c_str()),
        SIPTAG_FROM_STR(from.c_str()), SIPTAG_CALL_ID_STR(r.call_id.c_str()),
        SIPTAG_CSEQ_STR(cseq.c_str()), SIPTAG_CONTACT_STR(contact.c_str()),
        SIPTAG_EXPIRES_STR(exp.c_str()), SIPTAG_MAX_FORWARDS_STR("70"),
        SIPTAG_USER_AGENT_STR("vced"),
        TAG_IF(!auth.empty() && !r.proxy_challenge, SIPTAG_AUTHORIZATION_STR(auth.c_str())),
        TAG_IF(!auth.empty() && r.proxy_challenge, SIPTAG_PROXY_AUTHORIZATION_STR(auth.c_str())),
        TAG_END()));
    // Not sent at all (no memory, a host name sofia cannot use): the machine's own answer
    // deadline ends the try.
    if (!r.tx)
        VCE_LOG_WARNING("SIP upstream %s %s: cannot send a REGISTER to %s", u.name.c_str(),
                        r.number.c_str(), hop.c_str());
}

int UpstreamClient::on_response(nta_outgoing_magic_t *magic, nta_outgoing_t *orq,
                                sip_t const *sip) {
    auto *r = reinterpret_cast<Registration *>(magic);
    if (r->tx.get() != orq) return 0;  // a transaction we gave up
    r->client->answered(*r, sip);
    return 0;
}

void UpstreamClient::answered(Registration &r, sip_t const *sip) {
    UpstreamAnswer a;
    const int status = sip && sip->sip_status ? sip->sip_status->st_status : 408;
    if (status < 200) return;
    // An answer that is not to our request (another Call-ID or CSeq): ignored; the request's
    // deadline decides.
    if (sip && ((sip->sip_call_id && r.call_id != sip->sip_call_id->i_id) ||
                (sip->sip_cseq && sip->sip_cseq->cs_seq != r.cseq))) {
        VCE_LOG_WARNING("SIP upstream %s %s: an answer with another Call-ID or CSeq, ignored",
                        r.cfg->name.c_str(), r.number.c_str());
        return;
    }
    // The transaction is done. Not destroyed inside its own callback: it is kept until the
    // next one is done (this assignment destroys that earlier one) or the client goes.
    r.spent = std::move(r.tx);
    if (status == 408) {
        a.kind = UpstreamAnswer::Kind::Timeout;  // nta's own timeout (or the server's 408)
    } else {
        a.status = status;
        if (status < 300) {
            // Our Contact among the number's bindings (other terminals of the number are
            // listed too): the one at our address, else (a NAT on the way rewrote it) the
            // first with our number.
            const std::string ours = engine_.self_uri().substr(4);  // "IP:PORT"
            const sip_contact_t *mine = nullptr;
            for (const sip_contact_t *m = sip->sip_contact; m; m = m->m_next) {
                if (!m->m_url->url_user || r.number != unescape_user(m->m_url->url_user)) continue;
                const std::string at = std::string(m->m_url->url_host ? m->m_url->url_host : "") +
                                       ":" + (m->m_url->url_port ? m->m_url->url_port : "5060");
                if (at == ours || !mine) mine = m;
                if (at == ours) break;
            }
            if (mine) {
                a.contact_listed = true;
                if (mine->m_expires)
                    a.expires_s = std::strtoll(mine->m_expires, nullptr, 10);
                else if (sip->sip_expires)
                    a.expires_s = static_cast<int64_t>(sip->sip_expires->ex_delta);
            }
        }
        if (sip->sip_min_expires) a.min_expires_s = sip->sip_min_expires->me_delta;
        if (sip->sip_retry_after) a.retry_after_s = sip->sip_retry_after->af_delta;
        if (status == 401 || status == 407) {
            const msg_auth_t *au =
                status == 401 ? sip->sip_www_authenticate : sip->sip_proxy_authenticate;
            r.challenges = digest_challenges(au);
            bool stale = false;
            for (const DigestChallenge &c : r.challenges) stale = stale || c.stale;
            r.proxy_challenge = status == 407;
            // A stale nonce is a fresh challenge, not a refusal of our credentials; but only
            // once per try, so that a server answering stale=true forever is no tight loop.
            const bool fresh = stale && r.stale_answered++ == 0;
            a.credentials_sent = r.credentials_sent && !fresh;
            if (!best_challenge(r.challenges) || r.cfg->password.empty()) {
                VCE_LOG_WARNING("SIP upstream %s %s: %s", r.cfg->name.c_str(), r.number.c_str(),
                                r.cfg->password.empty()
                                    ? "challenged, but no password is configured"
                                    : "challenged with no digest algorithm we know (MD5, SHA-256)");
                a.credentials_sent = true;  // nothing we can answer: as refused
            }
        }
    }
    run(r, r.machine.answer(a, now_ms(), jitter()));
}

void UpstreamClient::arm(Keepalive &k, long delay_ms) {
    if (!k.timer.set(engine_.root(), std::max(delay_ms, 1L), &UpstreamClient::on_keepalive_timer,
                     &k))
        VCE_LOG_ERROR("SIP upstream %s: cannot set the keepalive timer", k.cfg->name.c_str());
}

void UpstreamClient::on_keepalive_timer(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg) {
    auto *k = reinterpret_cast<Keepalive *>(arg);
    k->client->ping(*k);
}

void UpstreamClient::ping(Keepalive &k) {
    const UpstreamConfig &u = *k.cfg;
    std::size_t server = 0;  // the server the upstream's first registration uses
    for (const auto &r : regs_)
        if (r->cfg == &u) {
            server = r->machine.server();
            break;
        }
    k.timer.reset();
    Keepalive *kp = &k;  // the probe goes with its keepalive, and so does this function
    k.probe->send(next_hop(u, server), request_uri(u), u.silence_ms,
                  [kp](bool answered) { kp->client->pinged(*kp, answered); });
}

void UpstreamClient::pinged(Keepalive &k, bool answered) {
    const UpstreamConfig &u = *k.cfg;
    const int64_t now = now_ms();
    if (answered && k.silent)
        VCE_LOG_NOTICE("SIP upstream %s: the server answers again", u.name.c_str());
    if (!answered && !k.silent)
        VCE_LOG_NOTICE("SIP upstream %s: no answer to a keepalive within %d ms", u.name.c_str(),
                       u.silence_ms);
    // Only the answer after a silence sends failing registrations at once: a server that
    // answers OPTIONS but refuses our REGISTER (500, no Contact) keeps its backoff.
    const bool back = answered && k.silent;
    k.silent = !answered;
    for (auto &r : regs_) {
        if (r->cfg != &u) continue;
        if (back)
            run(*r, r->machine.demand(now));  // only when failing: registers at once
        else if (!answered)
            run(*r, r->machine.silent(now, jitter()));
    }
    // While silent, ask more often: the registrations come back as soon as it answers.
    arm(k, k.silent ? std::min(u.keepalive_s * 1000L, 2000L) : u.keepalive_s * 1000L);
}

void UpstreamClient::retry(const std::string &name) {
    const int64_t now = now_ms();
    for (auto &r : regs_)
        if (r->cfg->name == name) run(*r, r->machine.demand(now));
}

void UpstreamClient::call_unanswered(const std::string &name) {
    for (auto &k : keepalives_)
        if (k->cfg->name == name && !k->probe->waiting()) ping(*k);
}

bool UpstreamClient::route(const std::string &name, const std::string &caller,
                           UpstreamRoute &out) const {
    const Registration *up = nullptr;
    for (const auto &r : regs_) {
        if (r->cfg->name != name) continue;
        const UpstreamState s = r->machine.state();
        if (s != UpstreamState::Registered && s != UpstreamState::Refreshing) continue;
        if (!up || r->number == caller) up = r.get();  // the line's own registration first
    }
    if (!up) return false;
    const UpstreamConfig &u = *up->cfg;
    out.hop = next_hop(u, up->machine.server());
    out.domain = u.domain;
    out.username = !u.username.empty() ? u.username
                   : std::find(u.numbers.begin(), u.numbers.end(), caller) != u.numbers.end()
                       ? caller
                       : up->number;
    out.password = u.password;
    out.silence_ms = u.silence_ms;
    out.follow_redirect = u.follow_redirect;
    return true;
}

std::string UpstreamClient::show() const {
    std::ostringstream o;
    const int64_t now = now_ms();
    for (const auto &r : regs_) {
        const UpstreamRegistration &m = r->machine;
        const UpstreamServer &s = r->cfg->servers[m.server()];
        o << r->cfg->name << "  " << r->number << "  " << to_string(m.state()) << "  server "
          << s.host << ":" << s.port << "/" << r->cfg->transport;
        if (m.registered_until() > now)
            o << "  expires in " << seconds_text(m.registered_until() - now);
        if (m.last_status()) o << "  last " << m.last_status();
        if (m.failing_since())
            o << "  failing since " << seconds_text(now - m.failing_since()) << " ago";
        const int64_t next = m.next_wakeup();
        if (next != INT64_MAX)
            o << (m.in_flight() ? "  answer due in " : "  next try in ")
              << seconds_text(next - now);
        o << "\n";
    }
    o << regs_.size() << " upstream registrations\n";
    return o.str();
}

std::string UpstreamClient::state_of(const std::string &name) const {
    std::size_t n = 0, up = 0;
    for (const auto &r : regs_) {
        if (r->cfg->name != name) continue;
        ++n;
        const UpstreamState s = r->machine.state();
        if (s == UpstreamState::Registered || s == UpstreamState::Refreshing) ++up;
    }
    if (n == 0) return "";
    return up == n ? "registered" : up == 0 ? "failing" : "partial";
}

}  // namespace vce::sip
