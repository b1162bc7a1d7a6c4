// A UAC call for another technology's caller: forks, dialogs, ACK/CANCEL/BYE, CDR.
#include "OutboundCall.h"

#include <arpa/inet.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tag.h>
#include <sofia-sip/url.h>

#include <cstring>
#include <random>

#include "DialStatus.h"
#include "DigestClient.h"
#include "InDialogRule.h"
#include "Location.h"
#include "SipText.h"
#include "vce/Log.h"

namespace vce::sip {

namespace {

constexpr int kLingerSeconds = 40;  // INVITE timer B (32 s) and then some

// A URI user part: unreserved characters as they are, the rest %-escaped ('#' -> %23).
std::string uri_user(const std::string &s) {
    static const char *kKeep = "-_.!~*'()&=+$,;?/";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || std::strchr(kKeep, c)) {
            out += static_cast<char>(c);
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            out += buf;
        }
    }
    return out;
}

// A display name for a quoted string: printable ASCII without quotes or backslashes.
std::string display_name(const std::string &s) {
    std::string out;
    for (unsigned char c : s)
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') out += static_cast<char>(c);
    return out.substr(0, 64);
}

std::string random_hex(size_t n) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    std::string s;
    while (s.size() < n) {
        uint64_t v = rng();
        for (int i = 0; i < 16 && s.size() < n; ++i, v >>= 4) s += "0123456789abcdef"[v & 15];
    }
    return s;
}

}  // namespace

OutboundCall::OutboundCall(Engine &e, unsigned long handle, DialRequest req,
                           ChannelTech::Events events, std::function<void(unsigned long)> finished)
    : e_(e),
      handle_(handle),
      req_(std::move(req)),
      events_(std::move(events)),
      finished_(std::move(finished)) {
    const SipConfig &cfg = e_.config();
    const std::string domain = cfg.domain.empty() ? cfg.bind_ip : cfg.domain;
    call_id_ = random_hex(20) + "@" + cfg.bind_ip;
    const std::string user = req_.caller.empty() ? "anonymous" : uri_user(req_.caller);
    const std::string name = display_name(req_.caller_name);
    from_ = (name.empty() ? "" : "\"" + name + "\" ") + "<sip:" + user + "@" + domain + ">";
    // Our address as this SIP thread's (its private port when there are several threads), so
    // the phone's in-dialog requests come back to the thread that holds the dialog.
    contact_ = "<sip:" + user + "@" + e_.self_uri().substr(4) + ">";
    cdr_.call_id = call_id_;
    cdr_.caller = req_.caller;
    cdr_.dialled = req_.resource;
    cdr_.route = "SIP/" + req_.resource;
    cdr_.routed_to = req_.resource.substr(req_.resource.find('/') + 1);
}

OutboundCall::~OutboundCall() = default;

std::string OutboundCall::describe() const {
    return "call " + std::to_string(handle_) + " (" + printable(req_.call_id) + " -> SIP/" +
           printable(req_.resource) + ")";
}

void OutboundCall::start() {
    cdr_.begin(e_.now_precise());
    const SipConfig &cfg = e_.config();
    const std::string domain = cfg.domain.empty() ? cfg.bind_ip : cfg.domain;
    const std::string &res = req_.resource;
    const size_t slash = res.find('/');
    if (res.empty() || printable(res) != res) {
        VCE_LOG_NOTICE("SIP: %s: not a SIP target", describe().c_str());
    } else if (slash == std::string::npos) {
        // SIP/<account>: every live binding of the account rings.
        const std::string to = "sip:" + uri_user(res) + "@" + domain;
        for (const Binding &b : e_.location().lookup(res, e_.now()))
            if (b.contact.rfind("vsms:", 0) != 0)  // res_sms's framed terminals: messages only
                add_fork(b.contact, to, next_hop(b), "SIP/" + res);
        if (forks_.empty()) VCE_LOG_NOTICE("SIP: %s: no registered terminal", describe().c_str());
    } else if (UpstreamClient *up = e_.upstream();
               up && !up->state_of(res.substr(0, slash)).empty()) {
        // SIP/<upstream>/<number>: through the exchange that registered us, as the line.
        upstream_ = res.substr(0, slash);
        if (!up->route(upstream_, req_.caller, route_)) {
            VCE_LOG_NOTICE("SIP: %s: upstream %s is not registered (%s): not calling through it",
                           describe().c_str(), upstream_.c_str(), up->state_of(upstream_).c_str());
            return failed("CHANUNAVAIL", 503);
        }
        const std::string name = display_name(req_.caller_name);
        from_ = (name.empty() ? "" : "\"" + name + "\" ") +
                "<sip:" + (req_.caller.empty() ? "anonymous" : uri_user(req_.caller)) + "@" +
                route_.domain + ">";
        const std::string uri = "sip:" + uri_user(res.substr(slash + 1)) + "@" + route_.domain;
        if (add_fork(uri, uri, route_.hop, "SIP/" + res))
            silence_.set(e_.root(), route_.silence_ms, &OutboundCall::on_silence, this);
    } else {
        // SIP/<host:port>/<user>: a peer centre, a carrier or a SIP trunk.
        const std::string uri =
            "sip:" + uri_user(res.substr(slash + 1)) + "@" + res.substr(0, slash);
        add_fork(uri, uri, "", "SIP/" + res);
    }
    if (state_ != State::Calling) return;
    if (forks_.empty()) return failed("CHANUNAVAIL", 480);
    const int timeout = req_.timeout_seconds > 0 ? req_.timeout_seconds : cfg.dial_timeout;
    timer_.set(e_.root(), timeout * 1000L, &OutboundCall::on_timeout, this);
    VCE_LOG_NOTICE("SIP: %s: INVITE to %zu terminal(s), timeout %d s", describe().c_str(),
                   forks_.size(), timeout);
}

bool OutboundCall::add_fork(const std::string &request_uri, const std::string &to_uri,
                            const std::string &hop, const std::string &target) {
    su_home_t home[1] = {SU_HOME_INIT(home)};
    url_t *ru = url_hdup(home, URL_STRING_MAKE(request_uri.c_str())->us_url);
    const bool usable = ru && ru->url_host && !e_.is_self(ru);
    su_home_deinit(home);
    if (!usable) {
        VCE_LOG_WARNING("SIP: %s: not calling %s (unusable, or ourselves: a loop)",
                        describe().c_str(), printable(request_uri).c_str());
        return false;
    }
    auto f = std::make_unique<Fork>();
    f->call = this;
    f->target = target;
    // Each fork is its own dialog: its own Call-ID, our tag, the callee's tag once it answers.
    const std::string cid =
        forks_.empty() ? call_id_ : std::to_string(forks_.size() + 1) + "-" + call_id_;
    const std::string to = "<" + to_uri + ">";
    if (!f->dialog.create_uac(e_.agent(), &OutboundCall::on_request,
                              reinterpret_cast<nta_leg_magic_t *>(f.get()), from_, to, cid)) {
        VCE_LOG_ERROR("SIP: %s: cannot create a dialog for %s", describe().c_str(),
                      printable(request_uri).c_str());
        return false;
    }
    f->dialog.set_hop(hop);
    f->request_uri = request_uri;
    if (!send_invite(*f, "", false)) return false;
    forks_.add(std::move(f));
    return true;
}

bool OutboundCall::send_invite(Fork &f, const std::string &authorization, bool proxy) {
    const std::string &sdp = req_.sdp_offer;
    f.tx = f.dialog.invite(
        &OutboundCall::on_response, reinterpret_cast<nta_outgoing_magic_t *>(&f), f.request_uri,
        SIPTAG_CONTACT_STR(contact_.c_str()), SIPTAG_ALLOW_STR("INVITE, ACK, CANCEL, BYE, OPTIONS"),
        SIPTAG_MAX_FORWARDS_STR("70"),
        TAG_IF(!sdp.empty(), SIPTAG_CONTENT_TYPE_STR("application/sdp")),
        TAG_IF(!sdp.empty(), SIPTAG_PAYLOAD_STR(sdp.c_str())),
        TAG_IF(!authorization.empty() && !proxy, SIPTAG_AUTHORIZATION_STR(authorization.c_str())),
        TAG_IF(!authorization.empty() && proxy,
               SIPTAG_PROXY_AUTHORIZATION_STR(authorization.c_str())),
        TAG_END());
    if (!f.tx) {
        VCE_LOG_ERROR("SIP: %s: cannot send the INVITE to %s", describe().c_str(),
                      printable(f.request_uri).c_str());
        return false;
    }
    return true;
}

// A 401/407 to a call through an upstream: the INVITE again (same dialog, next CSeq) with the
// upstream's credentials, once. False: not ours to answer (the challenge is final).
bool OutboundCall::answer_challenge(Fork &f, sip_t const *sip, int status) {
    if (upstream_.empty() || f.auth_sent || !sip || state_ != State::Calling || f.cancelled ||
        route_.password.empty())
        return false;
    const std::vector<DigestChallenge> challenges =
        digest_challenges(status == 401 ? sip->sip_www_authenticate : sip->sip_proxy_authenticate);
    const DigestChallenge *c = best_challenge(challenges);
    if (!c) {
        VCE_LOG_WARNING("SIP: %s: challenged with no digest algorithm we know (MD5, SHA-256)",
                        describe().c_str());
        return false;
    }
    const std::string auth = digest_authorization(*c, "INVITE", f.request_uri, route_.username,
                                                  route_.password, random_hex(16), 1);
    f.spent = std::move(f.tx);  // we are inside its callback
    f.auth_sent = true;
    if (!send_invite(f, auth, status == 407)) return false;
    silence_.set(e_.root(), route_.silence_ms, &OutboundCall::on_silence, this);
    return true;
}

int OutboundCall::on_response(nta_outgoing_magic_t *magic, nta_outgoing_t *orq, sip_t const *sip) {
    auto *f = reinterpret_cast<Fork *>(magic);
    const int status =
        sip && sip->sip_status ? sip->sip_status->st_status : nta_outgoing_status(orq);
    f->call->response(*f, sip, status);
    return 0;
}

// A 3xx from the upstream in redirect mode (seed 000 claims 1/8: the box gets the callee's
// address from the server and connects itself): a fork to each contact given, at most 4, IPv4
// addresses only (no name to resolve, nothing a forged answer could point at by DNS), never
// ourselves. False: not followed (not an upstream call, not configured, nothing usable).
bool OutboundCall::follow_redirect(Fork &f, sip_t const *sip) {
    if (upstream_.empty() || !route_.follow_redirect || redirected_ || !sip ||
        state_ != State::Calling || f.cancelled)
        return false;
    std::vector<std::string> targets;
    for (const sip_contact_t *m = sip->sip_contact; m && targets.size() < 4; m = m->m_next) {
        const url_t *u = m->m_url;
        in_addr a{};
        if ((u->url_type != url_sip && u->url_type != url_sips) || !u->url_host ||
            inet_pton(AF_INET, u->url_host, &a) != 1 || e_.is_self(u))
            continue;
        char buf[512];
        const isize_t n = url_e(buf, sizeof buf, u);
        if (n <= 0 || static_cast<std::size_t>(n) >= sizeof buf) continue;
        bool clean = true;  // nothing a log line or a header could be broken with
        for (const char *p = buf; *p; ++p) clean = clean && *p > 0x20 && *p < 0x7f;
        if (clean) targets.emplace_back(buf);
    }
    if (targets.empty()) {
        VCE_LOG_WARNING("SIP: %s: a redirect with no contact we may use (IPv4, not ourselves)",
                        describe().c_str());
        return false;
    }
    forks_.record_final(f, sip->sip_status->st_status);
    redirected_ = true;
    silence_.reset();
    std::size_t added = 0;
    for (const std::string &t : targets) added += add_fork(t, t, "", "SIP/" + t) ? 1 : 0;
    VCE_LOG_NOTICE("SIP: %s: redirected by upstream %s to %zu contact(s)", describe().c_str(),
                   upstream_.c_str(), added);
    if (added == 0) failed("CHANUNAVAIL", 480);
    return true;
}

void OutboundCall::response(Fork &f, sip_t const *sip, int status) {
    if (sip && sip->sip_status) silence_.reset();  // the server answers (nta's own 408 aside)
    if ((status == 401 || status == 407) && answer_challenge(f, sip, status)) return;
    if (status >= 300 && status < 400 && follow_redirect(f, sip)) return;
    if (status < 200) {
        if (status > 100 && state_ == State::Calling && !ringing_ && !f.cancelled) {
            ringing_ = true;
            cdr_.ringing(e_.now_precise());
            report({DialEvent::Ringing, "", status, ""});
        }
        return;
    }
    if (!forks_.record_final(f, status)) {
        // A retransmitted 2xx (our ACK was lost): ACK it again.
        if (status < 300 && f.dialog.established() && sip) confirm(f, sip);
        return;
    }
    if (status < 300) {
        if (sip) confirm(f, sip);
        if (state_ == State::Calling && !f.cancelled && sip) {
            winner_ = &f;
            state_ = State::Answered;
            timer_.reset();
            forks_.cancel_pending(&f);
            cdr_.answer(e_.now_precise(), status);
            std::string answer;
            if (sip->sip_payload && sip->sip_payload->pl_data)
                answer.assign(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
            VCE_LOG_NOTICE("SIP: %s: answered by %s", describe().c_str(), f.target.c_str());
            report({DialEvent::Answered, "ANSWER", status, answer});
        } else {
            send_bye(f);  // too late: another fork won, or the caller gave up
        }
        return check_finished();
    }
    // A UAC waits for the 487 of every fork it cancelled (a 2xx may cross the CANCEL).
    if (state_ == State::Calling && forks_.all_final(false))
        failed(dialstatus_of(forks_.best_status()), forks_.best_status());
    check_finished();
}

void OutboundCall::confirm(Fork &f, sip_t const *sip) {
    f.dialog.confirm(sip);
    f.ack = f.dialog.ack();
    if (!f.ack) VCE_LOG_WARNING("SIP: %s: cannot send the ACK", describe().c_str());
}

void OutboundCall::send_bye(Fork &f) {
    if (!f.dialog.established() || f.bye || f.bye_done) return;
    f.bye =
        f.dialog.bye(&OutboundCall::on_bye_response, reinterpret_cast<nta_outgoing_magic_t *>(&f));
    if (!f.bye) {
        VCE_LOG_WARNING("SIP: %s: cannot send the BYE", describe().c_str());
        f.bye_done = true;
    }
}

int OutboundCall::on_bye_response(nta_outgoing_magic_t *magic, nta_outgoing_t *orq,
                                  sip_t const *sip) {
    auto *f = reinterpret_cast<Fork *>(magic);
    const int status =
        sip && sip->sip_status ? sip->sip_status->st_status : nta_outgoing_status(orq);
    if (status >= 200) {
        f->bye_done = true;
        f->call->check_finished();
    }
    return 0;
}

int OutboundCall::on_request(nta_leg_magic_t *magic, nta_leg_t *, nta_incoming_t *irq,
                             sip_t const *sip) {
    auto *f = reinterpret_cast<Fork *>(magic);
    return f->call->request(*f, irq, sip);
}

// Requests in one of our dialogs. Answered here, never forwarded anywhere.
int OutboundCall::request(Fork &f, nta_incoming_t *irq, sip_t const *sip) {
    const InDialogAnswer a = in_dialog_answer(sip->sip_request->rq_method);
    if (a.ends_call) {
        f.bye_done = true;
        if (&f == winner_ && state_ == State::Answered) {
            VCE_LOG_NOTICE("SIP: %s: the callee hung up", describe().c_str());
            e_.close_cdr(cdr_);
            report({DialEvent::Ended, "", 0, ""});
            over();
        }
        check_finished();  // deferred: the dialog outlives this callback
    }
    if (a.status == 0) nta_incoming_destroy(irq);
    return a.status;
}

void OutboundCall::on_timeout(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg) {
    auto *c = reinterpret_cast<OutboundCall *>(arg);
    VCE_LOG_NOTICE("SIP: %s: no answer within the Dial timeout", c->describe().c_str());
    c->failed("NOANSWER", 480);
}

void OutboundCall::on_silence(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg) {
    auto *c = reinterpret_cast<OutboundCall *>(arg);
    VCE_LOG_NOTICE("SIP: %s: upstream %s does not answer within %d ms", c->describe().c_str(),
                   c->upstream_.c_str(), c->route_.silence_ms);
    if (UpstreamClient *up = c->e_.upstream()) up->call_unanswered(c->upstream_);
    c->failed("CHANUNAVAIL", 408);
}

void OutboundCall::failed(const std::string &dialstatus, int sip_status) {
    if (state_ != State::Calling) return;
    e_.close_cdr(cdr_, dialstatus, sip_status);
    VCE_LOG_NOTICE("SIP: %s: DIALSTATUS=%s (%d)", describe().c_str(), dialstatus.c_str(),
                   sip_status);
    report({DialEvent::Failed, dialstatus, sip_status, ""});
    forks_.cancel_pending();
    over();
}

void OutboundCall::report(const DialEvent &ev) {
    if (events_) events_(ev);
}

void OutboundCall::hangup() {
    events_ = nullptr;
    if (state_ == State::Calling) {
        VCE_LOG_NOTICE("SIP: %s: the caller gave up; CANCEL", describe().c_str());
        e_.close_cdr(cdr_, "CANCEL", 487);
        forks_.cancel_pending();
    } else if (state_ == State::Answered) {
        VCE_LOG_NOTICE("SIP: %s: the caller hung up; BYE", describe().c_str());
        e_.close_cdr(cdr_);
        if (winner_) send_bye(*winner_);
    }
    over();
}

void OutboundCall::shutdown() {
    if (state_ == State::Calling)
        report({DialEvent::Failed, "CONGESTION", 503, ""});
    else if (state_ == State::Answered)
        report({DialEvent::Ended, "", 0, ""});
    hangup();
}

void OutboundCall::over() {
    if (state_ == State::Over) return;
    state_ = State::Over;
    events_ = nullptr;
    timer_.reset();
    silence_.reset();
    linger_.set(e_.root(), kLingerSeconds * 1000L, &OutboundCall::on_linger, this);
    check_finished();
}

void OutboundCall::on_linger(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg) {
    auto *c = reinterpret_cast<OutboundCall *>(arg);
    VCE_LOG_INFO("SIP: %s: stopped waiting for the callee's last answers", c->describe().c_str());
    for (auto &f : c->forks_) {
        if (!f->final()) f->status = 408;
        f->bye_done = true;
    }
    c->check_finished();
}

void OutboundCall::check_finished() {
    if (state_ != State::Over || finishing_) return;
    for (const auto &f : forks_)
        if (!f->final() || (f->dialog.established() && !f->bye_done)) return;
    finishing_ = true;
    // Deferred: we may be inside one of our own transactions' callbacks.
    auto done = finished_;
    const unsigned long h = handle_;
    e_.post([done, h] { done(h); });
}

}  // namespace vce::sip
