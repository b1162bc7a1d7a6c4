// Call setup through the dialplan, with forking proxy legs.
#include "CallSession.h"

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_util.h>
#include <sofia-sip/su_tag.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "CallerPresentation.h"
#include "DialStatus.h"
#include "MediaRelayConfig.h"
#include "SdpBody.h"
#include "SipText.h"
#include "vce/CallDriver.h"
#include "vce/DialplanService.h"
#include "vce/Log.h"
#include "vce/MediaRelayService.h"
#include "vce/RouteService.h"

namespace vce::sip {

namespace {
// A From display name as the dialplan's CALLERID(name): without its quotes, printable only.
std::string unquoted(const char *display) {
    std::string s = display;
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    return printable(s).substr(0, 64);
}
}  // namespace

CallSession::CallSession(Engine &e, uint64_t id, nta_incoming_t *irq, sip_t const *sip,
                         std::string caller, std::string context, routing::Reach reach,
                         std::string nat_source)
    : e_(e),
      id_(id),
      irq_(irq),
      request_(nta_incoming_getrequest(irq)),
      caller_(std::move(caller)),
      nat_source_(std::move(nat_source)) {
    dialled_ = e.dialled_of(sip->sip_request->rq_url);
    const std::string call_id = sip->sip_call_id ? sip->sip_call_id->i_id : "";
    CallerId who{caller_, sip->sip_from && sip->sip_from->a_display
                              ? unquoted(sip->sip_from->a_display)
                              : std::string()};
    driver_ = std::make_unique<CallDriver>(
        *e_.dialplan(), std::move(context), dialled_, who, "SIP", "SIP/" + call_id,
        e_.config().dial_timeout,
        std::map<std::string, std::string>{{"CALLID", call_id},
                                           {channel_vars::kReach, routing::reach_name(reach)}});
    cdr_.call_id = sip->sip_call_id ? sip->sip_call_id->i_id : "";
    cdr_.caller = caller_;
    cdr_.dialled = dialled_;
    nta_incoming_bind(irq, &CallSession::on_cancel, reinterpret_cast<nta_incoming_magic_t *>(this));
}

CallSession::~CallSession() {
    if (gw_tech_) gw_tech_->hangup(gw_handle_);
    forks_.clear();  // the forwarded INVITEs before the caller's (irq_ answers 500 if need be)
}

void CallSession::start() {
    irq_.reply(100, "Trying", TAG_END());
    step();
}

// Runs the plan until it waits on Dial or ends.
void CallSession::step() {
    if (finished_) return;
    const CallDriver::Step st = driver_->run();
    if (st.kind == CallDriver::Step::Dial) {
        if (cancelled_) return finish();
        return dial(st.dial);
    }
    // Ended: answer the caller with what the plan or the last Dial decided.
    if (driver_->get("ROUTE_CAUSE") == "not-permitted")
        log::security("not_permitted", source_ip_, source_port_,
                      "peer=" + printable(peer_.empty() ? "-" : peer_) +
                          " caller=" + printable(caller_) + " dialled=" + printable(dialled_) +
                          " reach=" + driver_->get(channel_vars::kReach));
    if (!answered_ && !irq_.answered()) {
        if (st.hangup_status) {
            respond(st.hangup_status, nullptr);
        } else if (credit_refusal_ && !forks_.has_best_response()) {
            const std::string warning = "399 vce \"" + credit_reason_ + "\"";
            irq_.reply(credit_refusal_, credit_refusal_ == 402 ? "Payment Required" : nullptr,
                       SIPTAG_WARNING_STR(warning.c_str()), TAG_END());
        } else if (forks_.has_best_response()) {
            MsgRef m = forks_.take_best_response();
            sip_via_remove(m.get(), sip_object(m.get()));
            irq_.forward(std::move(m), forks_.best_status());
        } else {
            if (st.end_reason != "hangup")
                VCE_LOG_INFO("SIP: call %s to %s: dialplan ended (%s)", cdr_.call_id.c_str(),
                             printable(dialled_).c_str(), st.end_reason.c_str());
            respond(480, "Temporarily Unavailable");
        }
    }
    finish();
}

void CallSession::dial(const DialArgs &d) {
    forks_.clear();
    ++legs_;
    cdr_.leg = legs_;
    cdr_.route = d.text;
    cdr_.cls = driver_->get("ROUTE_CLASS");
    cdr_.routed_to = driver_->get("ROUTE_NUMBER");
    // The PSTN fallback of a call to a member is a PSTN call, and is rated as one.
    const std::string pstn = driver_->get("ROUTE_PSTN");
    if (!pstn.empty() && d.text == pstn && pstn != driver_->get("ROUTE_TARGET")) {
        cdr_.cls = "pstn";
        cdr_.routed_to = driver_->get("ROUTE_PSTN_NUMBER");
    }
    cdr_.begin(e_.now_precise());
    grant_ = CreditGrant();
    credit_refusal_ = 0;
    if (needs_credit()) return authorize(d);
    place_legs(d);
}

// How long the answered leg may last: its paid time, else the longest call allowed.
CreditGrant CallSession::call_limit() const {
    if (grant_.limited || e_.config().max_call_seconds <= 0) return grant_;
    CreditGrant g;
    g.limited = true;
    g.paid = false;
    g.final = true;
    g.seconds = e_.config().max_call_seconds;
    return g;
}

// PSTN and other carriers' numbers cost money; our own numbers do not.
bool CallSession::needs_credit() const {
    return metered_ && !cdr_.payer.empty() && (cdr_.cls == "pstn" || cdr_.cls == "carrier");
}

void CallSession::authorize(const DialArgs &d) {
    Engine *e = &e_;
    const uint64_t id = id_;
    const std::string call_id = cdr_.call_id;
    const int leg = cdr_.leg;
    e_.query(
        "SELECT verdict, reason, seconds::text, final::text FROM call_authorize($1, $2::int, "
        "$3, $4, $5::int)",
        {call_id, std::to_string(leg), cdr_.payer, cdr_.routed_to,
         std::to_string(e_.config().credit_quota)},
        [e, id, call_id, leg, d](SqlResult r) {
            auto it = e->sessions_.find(id);
            if (it != e->sessions_.end() && it->second->cdr_.leg == leg && !it->second->finished_)
                return it->second->authorized(d, r);
            // The call ended while we asked: what was reserved for it is freed.
            e->persist_async({"SELECT call_release($1, $2::int)", {call_id, std::to_string(leg)}});
        });
}

void CallSession::authorized(const DialArgs &d, const SqlResult &r) {
    auto col = [&r](size_t i) {
        return r.rows.size() == 1 && i < r.rows[0].size() && r.rows[0][i] ? *r.rows[0][i]
                                                                          : std::string();
    };
    std::string refusal;
    if (r.ok && r.rows.size() == 1) {
        grant_ = CreditGrant::from_row(col(0), col(1), col(2), col(3), refusal);
    } else if (e_.config().credit_outage_allow) {
        VCE_LOG_WARNING("SIP: call %s from %s to %s dialled without a credit check: %s",
                        printable(cdr_.call_id).c_str(), printable(cdr_.payer).c_str(),
                        printable(cdr_.routed_to).c_str(),
                        r.ok ? "no answer row" : r.error.c_str());
    } else {
        refusal = "billing-unavailable";
    }
    if (refusal.empty()) return place_legs(d);
    const bool money = refusal == "insufficient-balance";
    credit_refusal_ = money ? 402 : refusal == "billing-unavailable" ? 503 : 403;
    credit_reason_ = money ? "the balance does not pay for a call to this destination"
                     : credit_refusal_ == 503 ? "the call cannot be authorised now"
                                              : "calls to this destination have no price";
    VCE_LOG_NOTICE("SIP: call %s from %s to %s refused: %s", printable(cdr_.call_id).c_str(),
                   printable(cdr_.payer).c_str(), printable(cdr_.routed_to).c_str(),
                   refusal.c_str());
    e_.close_cdr(cdr_, "CONGESTION", credit_refusal_);
    forks_.set_best(credit_refusal_);
    driver_->dial_done("CONGESTION", credit_refusal_);
    step();
}

void CallSession::place_legs(const DialArgs &d) {
    const int timeout = d.timeout_seconds;
    int64_t t = e_.now();
    std::vector<ForkTarget> targets;
    for (const std::string &one : d.targets) {
        const DialTarget target = split_dial_target(one);
        if (target.tech != "SIP") {
            if (!target.tech.empty() && targets.empty() &&
                start_gateway(target.tech, target.resource, timeout))
                return;  // one gateway leg at a time; its events drive the call
            VCE_LOG_INFO("SIP: Dial(%s): no channel technology to reach it",
                         printable(one).c_str());
            continue;
        }
        const std::string &res = target.resource;
        size_t slash = res.find('/');
        if (slash == std::string::npos && redirect_ && targets.empty() && redirect(res)) return;
        if (slash == std::string::npos) {
            // SIP/<account>: every live binding of the account.
            for (const Binding &b : e_.location().lookup(res, t)) {
                if (b.contact.rfind("vsms:", 0) == 0) continue;  // res_sms's: messages only
                std::string hop = next_hop(b);
                // Behind NAT, or over TLS (the connection's address): its answers' Contact
                // is rewritten to where it is reached.
                targets.push_back({b.contact, hop, one,
                                   !hop.empty() && (b.transport == "udp" || b.transport == "tls"),
                                   ""});
            }
        } else {
            // SIP/<host:port>/<user>: a peer centre, a carrier or a SIP trunk.
            std::string host = res.substr(0, slash), user = res.substr(slash + 1);
            if (!e_.may_send_to(host,
                                routing::reach_of_variable(driver_->get(channel_vars::kReach)),
                                cdr_.call_id))
                continue;
            targets.push_back({"sip:" + user + "@" + host, "", one, false, host});
        }
    }
    if (!anchor_media(targets)) return;
    for (const ForkTarget &f : targets)
        add_fork(f.request_uri, f.hop, f.target, f.natted, f.peer_host);
    if (forks_.empty()) {
        e_.close_cdr(cdr_, "CHANUNAVAIL", 480);
        forks_.set_best(480);
        driver_->dial_done("CHANUNAVAIL", 480);
        return step();
    }
    dialling_ = true;
    timer_.set(e_.root(), timeout * 1000L, &CallSession::on_dial_timeout, this);
}

bool CallSession::anchor_media(const std::vector<ForkTarget> &targets) {
    media_relayed_ = false;
    MediaRelayService *relay = e_.media_relay();
    const sip_t *inv = sip_object(request_.get());
    // An INVITE without an offer (the offer comes in the 2xx, the answer in the ACK) is not
    // anchored yet.
    const std::string offer = sdp_body(inv);
    if (!relay || targets.empty() || offer.empty()) return true;
    const bool caller_natted = sdp_behind_nat(offer, source_ip_);
    const bool callee_natted =
        std::any_of(targets.begin(), targets.end(), [](const ForkTarget &t) { return t.natted; });
    if (!relay_media(e_.config().media.mode, caller_natted, callee_natted)) return true;
    MediaRequest q;
    q.call_id = cdr_.call_id;
    q.from_tag = inv->sip_from && inv->sip_from->a_tag ? inv->sip_from->a_tag : "";
    q.side = MediaSide::Caller;
    q.sdp = offer;
    q.source_ip = source_ip_;
    q.natted = caller_natted;
    std::optional<MediaResult> res;
    relay->offer(std::move(q), [&res](MediaResult r) { res = std::move(r); });
    if (!res)
        res =
            MediaResult{500, "the media relay answers asynchronously, which is not wired yet", ""};
    if (res->status == 200) {
        relayed_offer_ = std::move(res->sdp);
        media_relayed_ = true;
        return true;
    }
    VCE_LOG_NOTICE("SIP: call %s from %s: offer refused by the media relay: %d %s",
                   printable(cdr_.call_id).c_str(), printable(caller_).c_str(), res->status,
                   warning_text(res->reason).c_str());
    const std::string warning = "399 vce \"" + warning_text(res->reason) + "\"";
    irq_.reply(res->status, nullptr, SIPTAG_WARNING_STR(warning.c_str()), TAG_END());
    e_.close_cdr(cdr_, "CONGESTION", res->status);
    finish();
    return false;
}

void CallSession::anchor_answer(const Fork &f, msg_t *answer, const std::string &source) {
    MediaRelayService *relay = e_.media_relay();
    const sip_t *sip = sip_object(answer);
    const std::string sdp = sdp_body(sip);
    if (!media_relayed_ || !relay || sdp.empty()) return;
    MediaRequest q;
    q.call_id = cdr_.call_id;
    q.from_tag = sip->sip_from && sip->sip_from->a_tag ? sip->sip_from->a_tag : "";
    q.to_tag = sip->sip_to && sip->sip_to->a_tag ? sip->sip_to->a_tag : "";
    q.side = MediaSide::Callee;
    q.sdp = sdp;
    q.source_ip = uri_host(source);
    q.natted = f.natted || sdp_behind_nat(sdp, q.source_ip);
    std::optional<MediaResult> res;
    relay->answer(std::move(q), [&res](MediaResult r) { res = std::move(r); });
    if (res && res->status == 200 && set_sdp_body(answer, res->sdp)) return;
    // An answer cannot be refused here: it goes on as it is (the media then flows end to end).
    VCE_LOG_WARNING("SIP: call %s: the callee's SDP answer was not relayed: %s",
                    printable(cdr_.call_id).c_str(),
                    res ? warning_text(res->reason).c_str() : "no answer from the media relay");
}

// Redirect mode: the caller (a trusted box) connects to the callee's terminals itself. The
// call ends here; the box's CDR records it (ours has no leg for it).
bool CallSession::redirect(const std::string &account) {
    std::vector<std::string> contacts;
    for (const Binding &b : e_.location().lookup(account, e_.now()))
        contacts.push_back("<" + reachable_contact(b) + ">");
    if (contacts.empty()) return false;
    std::string list;
    for (const std::string &c : contacts) list += (list.empty() ? "" : ", ") + c;
    VCE_LOG_NOTICE("SIP: call %s from %s to %s: redirected to %zu contact(s)", cdr_.call_id.c_str(),
                   printable(caller_).c_str(), printable(account).c_str(), contacts.size());
    irq_.reply(302, "Moved Temporarily", SIPTAG_CONTACT_STR(list.c_str()), TAG_END());
    finish();
    return true;
}

CallerFacts CallSession::caller_facts(const std::string &peer_host) const {
    CallerFacts f;
    f.privacy = privacy_requested(sip_object(request_.get()));
    f.member = !cdr_.payer.empty();
    f.source_asserted = source_asserted_;
    if (peer_host.empty()) return f;
    f.to_peer = true;
    RouteService *rs = e_.router();
    // The peer by the host's address ("192.0.2.7:5060", "[2001:db8::7]:5060").
    std::string ip = peer_host;
    if (!ip.empty() && ip[0] == '[')
        ip = ip.substr(0, ip.find(']') + 1);
    else if (ip.find(':') == ip.rfind(':'))  // one colon or none (more: a bare IPv6 address)
        ip = ip.substr(0, ip.find(':'));
    const std::optional<routing::Peer> p = rs ? rs->peer_at(ip) : std::nullopt;
    f.peer_asserted = p && p->asserted_identity;
    if (f.member && rs)
        f.number_in_form =
            rs->caller_number(caller_, p ? p->caller_id : routing::CallerIdForm::E164);
    return f;
}

bool CallSession::add_fork(const std::string &request_uri, const std::string &next_hop,
                           const std::string &target, bool natted, const std::string &peer_host) {
    url_t *ru = url_hdup(msg_home(request_.get()), URL_STRING_MAKE(request_uri.c_str())->us_url);
    if (!ru) return false;
    url_t ruc = *ru;
    if (e_.is_self(&ruc)) {
        VCE_LOG_WARNING("SIP: not forwarding a call to ourselves (%s): loop",
                        printable(request_uri).c_str());
        return false;
    }
    MsgRef copy(msg_dup(request_.get()));
    msg_t *fwd = copy.get();
    sip_t *s = sip_object(fwd);
    sip_request_t *rq = sip_request_create(msg_home(fwd), SIP_METHOD_INVITE,
                                           URL_STRING_MAKE(request_uri.c_str()), nullptr);
    msg_header_replace(fwd, nullptr, reinterpret_cast<msg_header_t *>(s->sip_request),
                       reinterpret_cast<msg_header_t *>(rq));
    if (s->sip_max_forwards)
        s->sip_max_forwards->mf_count--;
    else
        sip_add_tl(fwd, s, SIPTAG_MAX_FORWARDS_STR("69"), TAG_END());
    // The dialplan chose where this call goes: a Route the caller pre-loaded (say, to a
    // carrier or a PSTN gateway that trusts us) is not followed.
    while (s->sip_route)
        msg_header_remove(fwd, reinterpret_cast<msg_pub_t *>(s),
                          reinterpret_cast<msg_header_t *>(s->sip_route));
    // Credentials were for us, not for the callee.
    while (s->sip_proxy_authorization)
        msg_header_remove(fwd, reinterpret_cast<msg_pub_t *>(s),
                          reinterpret_cast<msg_header_t *>(s->sip_proxy_authorization));
    present_caller(fwd, s, caller_view(caller_facts(peer_host)), e_.config().domain);
    // The callee's in-dialog requests (BYE) go to the caller's Contact: its public address.
    if (!nat_source_.empty()) fix_nated_contact(fwd, nat_source_);
    // Each party's in-dialog requests come back over its own transport: two entries (RFC
    // 5658) when one side is over TLS and the other not; the callee's on top.
    const std::string callee_rr = e_.record_route_for(
                          uri_transport(next_hop.empty() ? request_uri : next_hop)),
                      caller_rr = e_.record_route_for(caller_transport_);
    const std::string rr = callee_rr == caller_rr ? callee_rr : callee_rr + ", " + caller_rr;
    sip_add_tl(fwd, s, SIPTAG_RECORD_ROUTE_STR(rr.c_str()), TAG_END());
    if (media_relayed_ && !set_sdp_body(fwd, relayed_offer_)) return false;
    auto f = std::make_unique<Fork>();
    f->call = this;
    f->target = target;
    f->natted = natted;
    f->hop = next_hop;
    f->hosts = {uri_host(request_uri)};
    if (!next_hop.empty()) f->hosts.push_back(uri_host(next_hop));
    f->tx.reset(nta_outgoing_mcreate(
        e_.agent(), &CallSession::on_response, reinterpret_cast<nta_outgoing_magic_t *>(f.get()),
        next_hop.empty() ? nullptr : URL_STRING_MAKE(next_hop.c_str()), fwd, TAG_END()));
    if (!f->tx) return false;
    copy.release();  // the transaction has the message now
    forks_.add(std::move(f));
    return true;
}

int CallSession::on_response(nta_outgoing_magic_t *magic, nta_outgoing_t *, sip_t const *sip) {
    auto *f = reinterpret_cast<Fork *>(magic);
    f->call->fork_response(*f, sip);
    return 0;
}

void CallSession::fork_response(Fork &f, sip_t const *sip) {
    int status = sip ? sip->sip_status->st_status : 408;
    if (!f.pending()) return;  // answered already, or cancelled: a proxy ignores the rest
    if (status < 200) {
        if (status > 100 && !answered_ && !irq_.answered()) {
            cdr_.ringing(e_.now_precise());
            forward_response(f, f.natted);
        }
        return;
    }
    if (status < 300) {
        forks_.record_final(f, status);
        if (!answered_ && !irq_.answered()) {
            answered_ = true;
            // The caller's ACK and BYE go to the callee's Contact: its public address.
            forward_response(f, f.natted);
            cdr_.answer(e_.now_precise(), status);
            const CreditGrant limit = call_limit();
            ProxiedDialog dialog;
            if (limit.limited && !dialog.build(
                                     sip_object(request_.get()), sip,
                                     [this](const url_t *u) { return e_.is_self(u); },
                                     nat_source_.empty() ? "" : "sip:" + nat_source_, f.hop))
                VCE_LOG_WARNING(
                    "SIP: call %s: the answer lacks a dialog to end; at the end of "
                    "its time only its CDR is closed",
                    printable(cdr_.call_id).c_str());
            e_.await_bye(cdr_, dialog_hosts(f, sip), std::move(channel_), std::move(dialog), limit);
            if (media_relayed_) {
                const sip_t *inv = sip_object(request_.get());
                e_.media_anchored(cdr_.call_id, inv->sip_from && inv->sip_from->a_tag
                                                    ? inv->sip_from->a_tag
                                                    : "");
            }
            cancel_forks();
            dial_finished("ANSWER");
        }
        return;
    }
    forks_.record_final(f, status, MsgRef(copy_response(f.tx.get())));
    if (forks_.all_final()) dial_finished(dialstatus_of(forks_.best_status()));
}

// The parties of the dialog a 2xx sets up: the callee (where we sent the INVITE, its Contact
// and where the answer came from) and the caller (its Contact and the address it sent from).
std::vector<std::string> CallSession::dialog_hosts(const Fork &f, sip_t const *answer) const {
    std::vector<std::string> h = f.hosts;
    auto add = [&h](const std::string &host) {
        if (!host.empty() && std::find(h.begin(), h.end(), host) == h.end()) h.push_back(host);
    };
    if (answer && answer->sip_contact) add(url_host(answer->sip_contact->m_url));
    std::string from;
    MsgRef m(copy_response(f.tx.get(), &from));
    add(uri_host(from));
    const sip_t *inv = sip_object(request_.get());
    if (inv && inv->sip_contact) add(url_host(inv->sip_contact->m_url));
    add(uri_host(nat_source_));
    return h;
}

void CallSession::forward_response(Fork &f, bool natted) {
    std::string from;
    MsgRef m(copy_response(f.tx.get(), &from));
    if (!m) return;
    if (natted) fix_nated_contact(m.get(), from);
    anchor_answer(f, m.get(), from);
    sip_via_remove(m.get(), sip_object(m.get()));
    const int status = sip_object(m.get())->sip_status->st_status;
    irq_.forward(std::move(m), status);
}

void CallSession::cancel_forks() {
    if (gw_tech_) {
        gw_tech_->hangup(gw_handle_);
        gw_tech_ = nullptr;
    }
    forks_.cancel_pending();
}

void CallSession::on_dial_timeout(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg) {
    auto *c = reinterpret_cast<CallSession *>(arg);
    c->cancel_forks();
    c->forks_.set_best(480);
    c->dial_finished("NOANSWER");
}

void CallSession::dial_finished(const std::string &dialstatus) {
    if (!dialling_) return;
    dialling_ = false;
    timer_.reset();
    if (dialstatus != "ANSWER") {
        e_.close_cdr(cdr_, cancelled_ ? "CANCEL" : dialstatus, forks_.best_status());
    }
    if (cancelled_) return finish();
    driver_->dial_done(dialstatus, forks_.best_status());
    step();
}

bool CallSession::start_gateway(const std::string &tech, const std::string &resource, int timeout) {
    auto *reg = e_.channels();
    std::shared_ptr<ChannelTech> t = reg ? reg->acquire(tech) : nullptr;
    if (!t) return false;
    DialRequest req;
    req.call_id = cdr_.call_id;
    req.resource = resource;
    // The caller asked not to be shown: no caller id on the other technology's leg either.
    req.caller = privacy_requested(sip_object(request_.get())) ? "" : caller_;
    req.timeout_seconds = timeout;
    req.reach = routing::reach_of_variable(driver_->get(channel_vars::kReach));
    sip_t *s = sip_object(request_.get());
    if (s->sip_payload && s->sip_content_type && s->sip_content_type->c_type &&
        strcasecmp(s->sip_content_type->c_type, "application/sdp") == 0)
        req.sdp_offer.assign(s->sip_payload->pl_data, s->sip_payload->pl_len);
    Engine *e = &e_;
    uint64_t id = id_;
    // Events arrive on the technology's thread: hand them to ours by value, and find the
    // session by id (it may be gone by then).
    unsigned long h = t->dial(req, [e, id](const DialEvent &ev) { e->post_gateway_event(id, ev); });
    if (!h) return false;
    gw_tech_ = t;
    gw_handle_ = h;
    dialling_ = true;
    return true;
}

void CallSession::gateway_event(const DialEvent &ev) {
    if (!dialling_ || finished_) return;
    switch (ev.kind) {
        case DialEvent::Ringing:
            cdr_.ringing(e_.now_precise());
            irq_.reply(180, "Ringing", TAG_END());
            return;
        case DialEvent::Answered: {
            GatewayCall g;
            // Our own dialog with the caller, so that the far end's hangup becomes a BYE along
            // the caller's route set (from behind NAT: to the address its INVITE came from).
            if (!g.dialog.create_uas(e_.agent(), &Engine::on_request,
                                     reinterpret_cast<nta_leg_magic_t *>(&e_), irq_.get(),
                                     sip_object(request_.get())))
                VCE_LOG_WARNING("SIP: call %s: no dialog for the answered gateway call",
                                printable(cdr_.call_id).c_str());
            if (!nat_source_.empty()) g.dialog.set_hop("sip:" + nat_source_);
            std::string contact = "<" + e_.self_uri() + ">";
            irq_.reply(200, "OK", SIPTAG_CONTACT_STR(contact.c_str()),
                       TAG_IF(!ev.sdp_answer.empty(), SIPTAG_CONTENT_TYPE_STR("application/sdp")),
                       TAG_IF(!ev.sdp_answer.empty(), SIPTAG_PAYLOAD_STR(ev.sdp_answer.c_str())),
                       TAG_END());
            answered_ = true;
            cdr_.answer(e_.now_precise(), 200);
            g.tech = gw_tech_;
            g.handle = gw_handle_;
            g.cdr = cdr_;
            g.channel = std::move(channel_);
            g.credit = e_.watch_credit(cdr_, call_limit());
            gw_tech_ = nullptr;  // the engine owns the leg from now on
            e_.gateway_answered(id_, cdr_.call_id, std::move(g));
            dial_finished("ANSWER");
            return;
        }
        case DialEvent::Failed:
        case DialEvent::Ended:
            gw_tech_ = nullptr;
            forks_.set_best(ev.sip_status ? ev.sip_status : 503);
            dial_finished(ev.dialstatus.empty() ? "CONGESTION" : ev.dialstatus);
            return;
    }
}

int CallSession::on_cancel(nta_incoming_magic_t *magic, nta_incoming_t *, sip_t const *) {
    auto *c = reinterpret_cast<CallSession *>(magic);
    if (c->answered_ || c->irq_.answered()) return 0;
    c->cancelled_ = true;
    c->cancel_forks();
    c->respond(487, "Request Terminated");
    if (c->dialling_)
        c->dial_finished("CANCEL");
    else
        c->finish();
    return 0;
}

void CallSession::respond(int status, const char *phrase) {
    irq_.reply(status, phrase, TAG_END());
}

void CallSession::finish() {
    if (finished_) return;
    finished_ = true;
    e_.end_session(id_);
}

}  // namespace vce::sip
