// INVITE (new calls), in-dialog requests along the route set, and MESSAGE.
#include <sofia-sip/base64.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/nta_stateless.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_util.h>
#include <sofia-sip/su_tag.h>

#include <algorithm>
#include <cstring>

#include "CallSession.h"
#include "Engine.h"
#include "Relay.h"
#include "SipText.h"
#include "vce/Host.h"
#include "vce/Log.h"
#include "vce/RouteService.h"
#include "vce/ShortMessages.h"

namespace vce::sip {

namespace {

std::string b64(const std::string &s) {
    std::string out(s.size() * 4 / 3 + 8, '\0');
    isize_t n = base64_e(&out[0], out.size(), const_cast<char *>(s.data()), s.size());
    out.resize(std::strlen(out.c_str()));
    (void)n;
    return out;
}

std::string unb64(const std::string &s) {
    std::string out(s.size(), '\0');
    isize_t n = base64_d(&out[0], out.size(), s.c_str());
    out.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return out;
}

std::string url_str(const url_t *u) {
    char buf[1024];
    url_e(buf, sizeof buf, u);
    return buf;
}

}  // namespace

// Who is calling: a trusted peer by its address, or a member by digest credentials; and what
// the call may reach (routing/Peer.h): a member anything it is routed to, a peer its reach,
// our upstream exchange (an edge box's) and an unauthenticated caller of a lab setup with
// require_auth = no our own numbers only. Returns false when the request has been answered
// (challenge, refusal).
struct Caller {
    std::string number, context, peer;
    routing::Reach reach = routing::Reach::Own;
    bool member = false;
    bool asserted = false;  // a peer in our trust domain (RFC 3325)
    int max_channels = 0;   // the peer's limits (0: none)
    double max_cps = 0;
};

static bool identify(Engine &e, nta_incoming_t *irq, sip_t const *sip, const Source &src,
                     Caller &who,
                     bool (Engine::*auth)(nta_incoming_t *, sip_t const *, const Source &, bool,
                                          std::string &)) {
    RouteService *rs = e.router();
    auto from_user = [sip] {
        return sip->sip_from && sip->sip_from->a_url->url_user
                   ? unescape_user(sip->sip_from->a_url->url_user)
                   : std::string();
    };
    // Our upstream exchange calling the box's numbers: its own context.
    if (const UpstreamConfig *up = upstream_at(e.config().upstreams, src.ip)) {
        who.number = from_user();
        who.context = up->context;
        who.peer = "upstream " + up->name;
        return true;
    }
    if (std::optional<routing::Peer> peer = rs ? rs->peer_at(src.ip) : std::nullopt) {
        who.number = from_user();
        who.context = peer->context;
        who.peer = peer->name;
        who.reach = peer->reach;
        who.max_channels = peer->max_channels;
        who.max_cps = peer->max_cps;
        who.asserted = peer->asserted_identity;
        return true;
    }
    if (!e.config().require_auth) {
        who.number = from_user();
        who.context = e.config().member_context;
        return true;
    }
    if (!(e.*auth)(irq, sip, src, true, who.number)) return false;
    who.context = e.config().member_context;
    who.member = true;
    who.reach = routing::Reach::Pstn;
    return true;
}

int Engine::handle_invite(nta_incoming_t *irq, sip_t const *sip, const Source &src) {
    ++counters.invites;
    if (dialled_of(sip->sip_request->rq_url).empty()) return 404;
    Caller who;
    if (!identify(*this, irq, sip, src, who, &Engine::authenticate)) return 0;
    if (!dialplan()) return 503;
    PeerChannel channel;
    if (who.max_channels > 0 || who.max_cps > 0) {
        const auto v = peer_limits().admit(who.peer, who.max_channels, who.max_cps, now_precise());
        if (v != PeerCallLimits::Verdict::Admitted) {
            const bool channels = v == PeerCallLimits::Verdict::TooManyChannels;
            log::security("peer_limit", src.ip, src.port,
                          "peer=" + printable(who.peer) + " limit=" +
                              (channels ? "max_channels " + std::to_string(who.max_channels)
                                        : "max_cps " + std::to_string(who.max_cps)));
            nta_incoming_treply(
                irq, 503,
                channels ? "Too Many Calls From This Peer" : "Calls From This Peer Too Fast",
                SIPTAG_RETRY_AFTER_STR("5"), TAG_END());
            nta_incoming_destroy(irq);
            return 0;
        }
        channel = PeerChannel(peer_limits(), who.peer);
    }
    // A member's calls in progress on this exchange (members.max_calls), counted like a peer's.
    const std::optional<AccountAuth> acct =
        who.member && router() ? router()->account(who.number) : std::nullopt;
    if (acct && acct->max_calls > 0) {
        const std::string key = "member " + who.number;
        if (peer_limits().admit(key, acct->max_calls, 0, now_precise()) !=
            PeerCallLimits::Verdict::Admitted) {
            VCE_LOG_NOTICE("SIP: call from %s refused: %d calls in progress is its limit",
                           printable(who.number).c_str(), acct->max_calls);
            nta_incoming_treply(
                irq, 403, "Too Many Calls In Progress",
                SIPTAG_WARNING_STR("399 vce \"the account's call limit is reached\""), TAG_END());
            nta_incoming_destroy(irq);
            return 0;
        }
        channel = PeerChannel(peer_limits(), key);
    }
    uint64_t id = next_session_++;
    auto call = std::make_unique<CallSession>(
        *this, id, irq, sip, who.number, who.context, who.reach,
        who.member && (src.transport == "udp" || src.secure()) ? src.hostport() : "");
    CallSession *c = call.get();
    c->set_caller_transport(src.transport);
    c->set_source(src.ip, src.port, who.peer, who.asserted);
    c->hold_channel(std::move(channel));
    if (who.member) c->set_payer(who.number, acct && acct->metered);
    const auto &rc = config().redirect_callers;
    if (who.member && std::find(rc.begin(), rc.end(), who.number) != rc.end()) c->redirect_mode();
    ++calls_in_setup_[c->call_id()];
    sessions_[id] = std::move(call);
    ++counters.calls_in_setup;
    c->start();
    return 0;
}

void Engine::drop_own_routes(msg_t *msg, sip_t *sip) const {
    while (sip->sip_route && is_self(sip->sip_route->r_url))
        msg_header_remove(msg, reinterpret_cast<msg_pub_t *>(sip),
                          reinterpret_cast<msg_header_t *>(sip->sip_route));
}

int Engine::handle_in_dialog(nta_incoming_t *irq, sip_t const *sip, const Source &src) {
    // Calls this box answered itself (gateway) end here, by their Call-ID whatever host the
    // Request-URI names: behind NAT it is the NAT's address the exchange knows us by, and a
    // request relayed there would come back to us (or be refused by the NAT).
    if (!sip->sip_route && sip->sip_call_id && gateway_.count(sip->sip_call_id->i_id)) {
        if (sip->sip_request->rq_method == sip_method_ack) return nta_incoming_destroy(irq), 0;
        if (end_gateway_from_caller(irq, sip)) return 0;
    }
    msg_t *ref = nta_incoming_getrequest(irq);
    msg_t *fwd = msg_dup(ref);
    msg_destroy(ref);
    sip_t *s = sip_object(fwd);
    // Our own Route entry (we record-routed the dialog) goes; the next one, if any, is
    // where the request goes (loose routing), else the Request-URI.
    drop_own_routes(fwd, s);
    if (s->sip_max_forwards) {
        if (s->sip_max_forwards->mf_count == 0) {
            msg_destroy(fwd);
            if (sip->sip_request->rq_method == sip_method_ack) return nta_incoming_destroy(irq), 0;
            return 483;
        }
        s->sip_max_forwards->mf_count--;
    }
    if (!s->sip_route && is_self(s->sip_request->rq_url)) {
        // Addressed to us and nothing of ours matches: no such dialog here.
        msg_destroy(fwd);
        if (sip->sip_request->rq_method == sip_method_ack) return nta_incoming_destroy(irq), 0;
        return 481;
    }
    std::string hop = s->sip_route ? url_str(s->sip_route->r_url) : "";
    const std::string next = uri_host(hop.empty() ? url_str(s->sip_request->rq_url) : hop);
    if (!sip->sip_call_id || !in_dialog_allowed(sip->sip_call_id->i_id, next, src)) {
        msg_destroy(fwd);
        if (sip->sip_request->rq_method == sip_method_ack) return nta_incoming_destroy(irq), 0;
        return 481;
    }
    if (auto a = answered_.find(sip->sip_call_id->i_id); a != answered_.end())
        a->second.dialog.saw_request(sip);  // we may have to end it ourselves (paid time)
    if (sip->sip_request->rq_method == sip_method_ack) {
        nta_msg_tsend(agent_, fwd, hop.empty() ? nullptr : URL_STRING_MAKE(hop.c_str()), TAG_END());
        nta_incoming_destroy(irq);
        return 0;
    }
    bool refused = false;
    Relay::AnswerHook media = anchor_in_dialog(irq, sip, fwd, src, refused);
    if (refused) return 0;
    Relay &relay = start_relay(irq);
    if (media) relay.on_answer(std::move(media));
    if (sip->sip_request->rq_method == sip_method_bye && sip->sip_call_id) {
        std::string call_id = sip->sip_call_id->i_id;
        relay.on_final([this, call_id](int) {
            auto it = answered_.find(call_id);
            if (it == answered_.end()) return;
            close_cdr(it->second.cdr);
            answered_.erase(it);
        });
    }
    relay.add_leg(fwd, hop);
    relay.started();
    return 0;
}

int Engine::handle_message(nta_incoming_t *irq, sip_t const *sip, const Source &src) {
    ++counters.messages;
    if (dialled_of(sip->sip_request->rq_url).empty()) return 404;
    Caller who;
    if (!identify(*this, irq, sip, src, who, &Engine::authenticate)) return 0;
    const std::string &caller = who.number;
    RouteService *rs = router();
    if (!rs) return 503;
    std::string dialled = dialled_of(sip->sip_request->rq_url);
    routing::Decision d = rs->route(dialled, caller);
    routing::limit_to_reach(d, who.reach);
    if (!d.ok()) {
        nta_incoming_treply(irq, d.sip_status,
                            d.reason.empty() ? sip_status_phrase(d.sip_status) : d.reason.c_str(),
                            TAG_END());
        nta_incoming_destroy(irq);
        return 0;
    }
    if (d.target.rfind("SIP/", 0) != 0) {
        nta_incoming_treply(irq, 480, "Short messages cannot reach this destination", TAG_END());
        nta_incoming_destroy(irq);
        return 0;
    }
    std::string res = d.target.substr(4);
    size_t slash = res.find('/');
    std::string account = slash == std::string::npos ? res : "";
    std::string ctype = sip->sip_content_type && sip->sip_content_type->c_type
                            ? sip->sip_content_type->c_type
                            : "text/plain";
    std::string body =
        sip->sip_payload ? std::string(sip->sip_payload->pl_data, sip->sip_payload->pl_len) : "";
    std::string from =
        sip->sip_from ? url_str(sip->sip_from->a_url) : "sip:" + caller + "@" + cfg_.domain;
    // Offline (or nobody took it): store, answer 202, deliver at the next REGISTER.
    auto store = [this, irq, account, from, dialled, ctype, body](int) {
        ++counters.messages_stored;
        persist({{"INSERT INTO queued_messages (sender, recipient, dialled, content_type, body, "
                  "expires_at) VALUES "
                  "($1, $2, $3, $4, decode($5, 'base64'), now() + make_interval(secs => $6))",
                  {from, account, dialled, ctype, b64(body), std::to_string(cfg_.message_ttl)}}},
                [irq](int status) {
                    if (status == 0)
                        nta_incoming_treply(irq, 202, "Accepted", TAG_END());
                    else
                        nta_incoming_treply(irq, 503, "Service Unavailable",
                                            SIPTAG_RETRY_AFTER_STR("10"), TAG_END());
                    nta_incoming_destroy(irq);
                });
        return true;
    };
    // Framed terminals (res_sms) get theirs through res_sms; SIP phones through the relay.
    std::vector<Binding> phones, framed;
    if (!account.empty())
        for (const Binding &b : location_.lookup(account, now()))
            (b.contact.rfind("vsms:", 0) == 0 ? framed : phones).push_back(b);
    if (!framed.empty()) {
        ShortMessage m{caller.empty() ? from : caller, account, ctype, body};
        // Only framed terminals: their answer is the answer (200, or stored as for a phone).
        std::function<void(int)> answer;
        if (phones.empty())
            answer = life_.guard([irq, store](int st) {
                if (st < 200 || st >= 300) return (void)store(st);
                nta_incoming_treply(irq, 200, "OK", TAG_END());
                nta_incoming_destroy(irq);
            });
        host_.post(life_.guard([this, m, answer] {
            auto back = life_.guard([this, answer](int st) {
                if (answer) loop_.post([answer, st] { answer(st); });
            });
            auto *sink = host_.service<FramedMessageSink>(services::kFramedMessages);
            if (!sink) return back(480);
            sink->deliver(m, back);
        }));
        if (phones.empty()) return 0;
    }
    Relay &relay = start_relay(
        irq, account.empty() ? Relay::Fallback() : [store](int status) {
            return status == 408 || status == 480 || status >= 500 ? store(status) : false;
        });
    auto prepared = [&](const std::string &ruri) {
        msg_t *ref = nta_incoming_getrequest(irq);
        msg_t *fwd = msg_dup(ref);
        msg_destroy(ref);
        sip_t *s = sip_object(fwd);
        sip_request_t *rq = sip_request_create(msg_home(fwd), SIP_METHOD_MESSAGE,
                                               URL_STRING_MAKE(ruri.c_str()), nullptr);
        msg_header_replace(fwd, nullptr, reinterpret_cast<msg_header_t *>(s->sip_request),
                           reinterpret_cast<msg_header_t *>(rq));
        if (s->sip_max_forwards) s->sip_max_forwards->mf_count--;
        // Routed by number: a pre-loaded Route is not followed (see CallSession::add_fork).
        while (s->sip_route)
            msg_header_remove(fwd, reinterpret_cast<msg_pub_t *>(s),
                              reinterpret_cast<msg_header_t *>(s->sip_route));
        while (s->sip_proxy_authorization)
            msg_header_remove(fwd, reinterpret_cast<msg_pub_t *>(s),
                              reinterpret_cast<msg_header_t *>(s->sip_proxy_authorization));
        return fwd;
    };
    if (account.empty()) {
        std::string host = res.substr(0, slash), user = res.substr(slash + 1);
        relay.add_leg(prepared("sip:" + user + "@" + host), "");
    } else {
        for (const Binding &b : phones) {
            url_t *u = url_hdup(nullptr, URL_STRING_MAKE(b.contact.c_str())->us_url);
            bool self = u && is_self(u);
            su_free(nullptr, u);
            if (self) continue;  // never loop a message back to ourselves
            relay.add_leg(prepared(b.contact), next_hop(b));
        }
    }
    relay.started();
    return 0;
}

void Engine::deliver_queued_messages(const std::string &aor) {
    query(
        "SELECT id, sender, content_type, encode(body, 'base64') FROM queued_messages WHERE "
        "recipient = $1 AND "
        "expires_at > now() ORDER BY id LIMIT 100",
        {aor}, [this, aor](SqlResult r) {
            if (!r.ok)
                return VCE_LOG_WARNING("SIP: cannot read queued messages for %s: %s", aor.c_str(),
                                       r.error.c_str());
            Binding to;
            bool found = false;
            for (const Binding &b : location_.lookup(aor, now()))
                if (b.contact.rfind("sip", 0) == 0) {  // SIP phones: res_sms serves the framed
                    to = b;
                    found = true;
                    break;
                }
            if (!found) return;
            for (const auto &row : r.rows) {
                std::string id = *row[0];
                send_message(
                    to, *row[1], *row[2], unb64(row[3].value_or("")),
                    "vce-msg-" + id + "-" + std::to_string(now()), [this, id](int st) {
                        if (st >= 200 && st < 300)
                            persist_async({"DELETE FROM queued_messages WHERE id = $1", {id}});
                        else
                            persist_async(
                                {"UPDATE queued_messages SET attempts = "
                                 "attempts + 1, last_error = $2 WHERE id = $1",
                                 {id, std::to_string(st)}});
                    });
            }
        });
}

}  // namespace vce::sip
