// Call setup through the dialplan, with forking proxy legs.
#include "CallSession.h"

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_util.h>
#include <sofia-sip/su_tag.h>

#include <cstring>

#include "DialStatus.h"
#include "SipText.h"
#include "vce/CallDriver.h"
#include "vce/DialplanService.h"
#include "vce/Log.h"

namespace vce::sip {

CallSession::CallSession(Engine &e, uint64_t id, nta_incoming_t *irq, sip_t const *sip,
                         std::string caller, std::string context, std::string nat_source)
    : e_(e), id_(id), irq_(irq), caller_(std::move(caller)), nat_source_(std::move(nat_source)) {
    request_ = nta_incoming_getrequest(irq);
    dialled_ = e.dialled_of(sip->sip_request->rq_url);
    auto *dp = e_.dialplan();
    exec_ = std::make_unique<dialplan::Execution>(dp->current(), dp->registry(), context, dialled_);
    exec_->set(channel_vars::kCallerNum, caller_);
    exec_->set("CALLID", sip->sip_call_id ? sip->sip_call_id->i_id : "");
    cdr_.call_id = sip->sip_call_id ? sip->sip_call_id->i_id : "";
    cdr_.caller = caller_;
    cdr_.dialled = dialled_;
    nta_incoming_bind(irq_, &CallSession::on_cancel,
                      reinterpret_cast<nta_incoming_magic_t *>(this));
}

CallSession::~CallSession() {
    if (gw_tech_) gw_tech_->hangup(gw_handle_);
    if (timer_) su_timer_destroy(timer_);
    for (auto &f : forks_)
        if (f->orq) nta_outgoing_destroy(f->orq);
    if (best_) msg_destroy(best_);
    if (request_) msg_destroy(request_);
    if (irq_) {
        if (!responded_) nta_incoming_treply(irq_, 500, "Server Internal Error", TAG_END());
        nta_incoming_destroy(irq_);
    }
}

void CallSession::start() {
    nta_incoming_treply(irq_, 100, "Trying", TAG_END());
    step();
}

// Runs the plan until it waits on Dial or ends.
void CallSession::step() {
    while (!finished_) {
        auto state = exec_->run();
        if (state == dialplan::Execution::State::Waiting) {
            if (cancelled_) return finish();
            if (strcasecmp(exec_->waiting_app().c_str(), "Dial") == 0)
                return dial(exec_->waiting_args());
            exec_->resume();  // an app this channel does not perform: move on
            continue;
        }
        // Ended: answer the caller with what the plan or the last Dial decided.
        if (!answered_ && !responded_) {
            std::string cause = exec_->get("HANGUPCAUSE");
            int code = cause.empty() ? 0 : std::atoi(cause.c_str());
            if (code >= 300 && code < 700)
                respond(code, nullptr);
            else if (best_) {
                msg_t *m = best_;
                best_ = nullptr;
                sip_t *s = sip_object(m);
                sip_via_remove(m, s);
                nta_incoming_mreply(irq_, m);
                responded_ = true;
            } else {
                const std::string why = exec_->end_reason();
                if (why != "hangup")
                    VCE_LOG_INFO("SIP: call %s to %s: dialplan ended (%s)", cdr_.call_id.c_str(),
                                 printable(dialled_).c_str(), why.c_str());
                respond(480, "Temporarily Unavailable");
            }
        }
        return finish();
    }
}

void CallSession::dial(const std::vector<std::string> &args) {
    std::string targets = args.empty() ? "" : args[0];
    int timeout =
        args.size() > 1 && !args[1].empty() ? std::atoi(args[1].c_str()) : e_.config().dial_timeout;
    if (timeout <= 0) timeout = e_.config().dial_timeout;
    if (best_) {
        msg_destroy(best_);
        best_ = nullptr;
    }
    best_status_ = 0;
    for (auto &f : forks_)
        if (f->orq) nta_outgoing_destroy(f->orq), f->orq = nullptr;
    forks_.clear();
    ++legs_;
    cdr_.leg = legs_;
    cdr_.route = targets;
    cdr_.cls = exec_->get("ROUTE_CLASS");
    cdr_.routed_to = exec_->get("ROUTE_NUMBER");
    cdr_.started = e_.now_precise();
    cdr_.ring = cdr_.answered = cdr_.ended = 0;
    int64_t t = e_.now();
    size_t start = 0;
    while (start <= targets.size()) {
        size_t amp = targets.find('&', start);
        std::string one =
            targets.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
        start = amp == std::string::npos ? targets.size() + 1 : amp + 1;
        if (one.rfind("SIP/", 0) != 0) {
            size_t slash = one.find('/');
            if (slash != std::string::npos && forks_.empty() &&
                start_gateway(one.substr(0, slash), one.substr(slash + 1), timeout))
                return;  // one gateway leg at a time; its events drive the call
            VCE_LOG_INFO("SIP: Dial(%s): no channel technology to reach it",
                         printable(one).c_str());
            continue;
        }
        std::string res = one.substr(4);
        size_t slash = res.find('/');
        if (slash == std::string::npos) {
            // SIP/<account>: every live binding of the account.
            for (const Binding &b : e_.location().lookup(res, t)) {
                std::string hop = next_hop(b);
                add_fork(b.contact, hop, one, !hop.empty() && b.transport == "udp");
            }
        } else {
            // SIP/<host:port>/<user>: a peer centre, a carrier or a SIP trunk.
            std::string host = res.substr(0, slash), user = res.substr(slash + 1);
            add_fork("sip:" + user + "@" + host, "", one);
        }
    }
    if (forks_.empty()) {
        cdr_.ended = e_.now_precise();
        cdr_.disposition = "CHANUNAVAIL";
        cdr_.status = 480;
        e_.write_cdr(cdr_);
        best_status_ = 480;
        exec_->resume({{"DIALSTATUS", "CHANUNAVAIL"}, {"DIALSIPSTATUS", "480"}});
        return step();
    }
    dialling_ = true;
    timer_ = su_timer_create(su_root_task(e_.root()), static_cast<su_duration_t>(timeout) * 1000);
    su_timer_set(timer_, &CallSession::on_dial_timeout, reinterpret_cast<su_timer_arg_t *>(this));
}

bool CallSession::add_fork(const std::string &request_uri, const std::string &next_hop,
                           const std::string &target, bool natted) {
    url_t *ru = url_hdup(msg_home(request_), URL_STRING_MAKE(request_uri.c_str())->us_url);
    if (!ru) return false;
    url_t ruc = *ru;
    if (e_.is_self(&ruc)) {
        VCE_LOG_WARNING("SIP: not forwarding a call to ourselves (%s): loop",
                        printable(request_uri).c_str());
        return false;
    }
    msg_t *fwd = msg_dup(request_);
    sip_t *s = sip_object(fwd);
    sip_request_t *rq = sip_request_create(msg_home(fwd), SIP_METHOD_INVITE,
                                           URL_STRING_MAKE(request_uri.c_str()), nullptr);
    msg_header_replace(fwd, nullptr, reinterpret_cast<msg_header_t *>(s->sip_request),
                       reinterpret_cast<msg_header_t *>(rq));
    if (s->sip_max_forwards)
        s->sip_max_forwards->mf_count--;
    else
        sip_add_tl(fwd, s, SIPTAG_MAX_FORWARDS_STR("69"), TAG_END());
    e_.drop_own_routes(fwd, s);
    // Credentials were for us, not for the callee.
    while (s->sip_proxy_authorization)
        msg_header_remove(fwd, reinterpret_cast<msg_pub_t *>(s),
                          reinterpret_cast<msg_header_t *>(s->sip_proxy_authorization));
    // The callee's in-dialog requests (BYE) go to the caller's Contact: its public address.
    if (!nat_source_.empty()) fix_nated_contact(fwd, nat_source_);
    std::string rr = "<" + e_.self_uri() + ";lr>";
    sip_add_tl(fwd, s, SIPTAG_RECORD_ROUTE_STR(rr.c_str()), TAG_END());
    auto f = std::make_unique<Fork>();
    f->call = this;
    f->target = target;
    f->natted = natted;
    f->orq = nta_outgoing_mcreate(
        e_.agent(), &CallSession::on_response, reinterpret_cast<nta_outgoing_magic_t *>(f.get()),
        next_hop.empty() ? nullptr : URL_STRING_MAKE(next_hop.c_str()), fwd, TAG_END());
    if (!f->orq) {
        msg_destroy(fwd);
        return false;
    }
    forks_.push_back(std::move(f));
    return true;
}

int CallSession::on_response(nta_outgoing_magic_t *magic, nta_outgoing_t *, sip_t const *sip) {
    auto *f = reinterpret_cast<Fork *>(magic);
    f->call->fork_response(*f, sip);
    return 0;
}

void CallSession::fork_response(Fork &f, sip_t const *sip) {
    int status = sip ? sip->sip_status->st_status : 408;
    if (f.done) return;
    if (status < 200) {
        if (status > 100 && !answered_ && !responded_) {
            if (!cdr_.ring) cdr_.ring = e_.now_precise();
            std::string from;
            msg_t *m = copy_response(f.orq, &from);
            if (f.natted) fix_nated_contact(m, from);
            sip_via_remove(m, sip_object(m));
            nta_incoming_mreply(irq_, m);
        }
        return;
    }
    f.done = true;
    f.status = status;
    if (status < 300) {
        if (!answered_ && !responded_) {
            answered_ = true;
            std::string from;
            msg_t *m = copy_response(f.orq, &from);
            // The caller's ACK and BYE go to the callee's Contact: its public address.
            if (f.natted) fix_nated_contact(m, from);
            sip_via_remove(m, sip_object(m));
            nta_incoming_mreply(irq_, m);
            responded_ = true;
            cdr_.answered = e_.now_precise();
            cdr_.status = status;
            cdr_.disposition = "ANSWER";
            e_.answered_[cdr_.call_id] = cdr_;  // the CDR is written at BYE
            cancel_forks();
            dial_finished("ANSWER");
        }
        return;
    }
    if (failure_rank(status) > failure_rank(best_status_)) {
        if (best_) msg_destroy(best_);
        best_ = copy_response(f.orq);
        best_status_ = status;
    }
    for (const auto &x : forks_)
        if (!x->done) return;
    dial_finished(dialstatus_of(best_status_));
}

void CallSession::cancel_forks() {
    if (gw_tech_) {
        gw_tech_->hangup(gw_handle_);
        gw_tech_ = nullptr;
    }
    for (auto &f : forks_) {
        if (!f->done && f->orq) nta_outgoing_cancel(f->orq);
        f->done = true;
    }
}

void CallSession::on_dial_timeout(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg) {
    auto *c = reinterpret_cast<CallSession *>(arg);
    c->cancel_forks();
    if (c->best_) msg_destroy(c->best_), c->best_ = nullptr;
    c->best_status_ = 480;
    c->dial_finished("NOANSWER");
}

void CallSession::dial_finished(const std::string &dialstatus) {
    if (!dialling_) return;
    dialling_ = false;
    if (timer_) {
        su_timer_destroy(timer_);
        timer_ = nullptr;
    }
    if (dialstatus != "ANSWER") {
        cdr_.ended = e_.now_precise();
        cdr_.disposition = cancelled_ ? "CANCEL" : dialstatus;
        cdr_.status = best_status_;
        e_.write_cdr(cdr_);
    }
    if (cancelled_) return finish();
    exec_->resume({{"DIALSTATUS", dialstatus}, {"DIALSIPSTATUS", std::to_string(best_status_)}});
    step();
}

bool CallSession::start_gateway(const std::string &tech, const std::string &resource, int timeout) {
    auto *reg = e_.channels();
    std::shared_ptr<ChannelTech> t = reg ? reg->acquire(tech) : nullptr;
    if (!t) return false;
    DialRequest req;
    req.call_id = cdr_.call_id;
    req.resource = resource;
    req.caller = caller_;
    req.timeout_seconds = timeout;
    sip_t *s = sip_object(request_);
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
            if (!cdr_.ring) cdr_.ring = e_.now_precise();
            if (!responded_) nta_incoming_treply(irq_, 180, "Ringing", TAG_END());
            return;
        case DialEvent::Answered: {
            std::string contact = "<" + e_.self_uri() + ">";
            nta_incoming_treply(
                irq_, 200, "OK", SIPTAG_CONTACT_STR(contact.c_str()),
                TAG_IF(!ev.sdp_answer.empty(), SIPTAG_CONTENT_TYPE_STR("application/sdp")),
                TAG_IF(!ev.sdp_answer.empty(), SIPTAG_PAYLOAD_STR(ev.sdp_answer.c_str())),
                TAG_END());
            responded_ = answered_ = true;
            cdr_.answered = e_.now_precise();
            cdr_.status = 200;
            cdr_.disposition = "ANSWER";
            sip_t *s = sip_object(request_);
            Engine::GatewayCall g;
            g.tech = gw_tech_;
            g.handle = gw_handle_;
            g.cdr = cdr_;
            g.remote_target =
                s->sip_contact ? url_as_string(msg_home(request_), s->sip_contact->m_url) : "";
            char *from = sip_header_as_string(msg_home(request_),
                                              reinterpret_cast<sip_header_t const *>(s->sip_from));
            char *to = sip_header_as_string(msg_home(request_),
                                            reinterpret_cast<sip_header_t const *>(s->sip_to));
            g.their_from = from ? from : "";
            g.our_to = std::string(to ? to : "") +
                       ";tag=" + (nta_incoming_gettag(irq_) ? nta_incoming_gettag(irq_) : "vce");
            gw_tech_ = nullptr;  // the engine owns the leg from now on
            e_.gateway_answered(id_, cdr_.call_id, std::move(g));
            dial_finished("ANSWER");
            return;
        }
        case DialEvent::Failed:
        case DialEvent::Ended:
            gw_tech_ = nullptr;
            best_status_ = ev.sip_status ? ev.sip_status : 503;
            dial_finished(ev.dialstatus.empty() ? "CONGESTION" : ev.dialstatus);
            return;
    }
}

int CallSession::on_cancel(nta_incoming_magic_t *magic, nta_incoming_t *, sip_t const *) {
    auto *c = reinterpret_cast<CallSession *>(magic);
    if (c->answered_ || c->responded_) return 0;
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
    if (responded_) return;
    responded_ = true;
    nta_incoming_treply(irq_, status, phrase ? phrase : sip_status_phrase(status), TAG_END());
}

void CallSession::finish() {
    if (finished_) return;
    finished_ = true;
    e_.end_session(id_);
}

}  // namespace vce::sip
