// The SIP engine on one SIP thread: registrar, proxy for calls (driven by the dialplan),
// short-message relay, OPTIONS. Everything here runs on the SIP thread except the
// methods marked "any thread". With `workers` > 1 there is one Engine per SIP thread, all
// on the shared SIP port (SO_REUSEPORT, steered by Call-ID) and each with a private port
// of its own that its outgoing requests, Record-Route and Contact name, so answers and
// in-dialog requests come back to the thread that holds the transaction.
#pragma once

#include <sofia-sip/nta.h>
#include <sofia-sip/sip.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "AuthFailureGuard.h"
#include "BindingQualifier.h"
#include "CallCredit.h"
#include "CallRecord.h"
#include "CentreMonitor.h"
#include "ConnectionWatch.h"
#include "CreditWatch.h"
#include "Dialog.h"
#include "DigestAuth.h"
#include "FloodGuard.h"
#include "GatewayCall.h"
#include "Location.h"
#include "ProxiedDialog.h"
#include "Relay.h"
#include "SharedSipState.h"
#include "SipConfig.h"
#include "SipLoop.h"
#include "SofiaHandles.h"
#include "UpstreamClient.h"
#include "vce/Channels.h"
#include "vce/Database.h"
#include "vce/Lifetime.h"

namespace vce {
class Host;
class RouteService;
class DialplanService;
}  // namespace vce

namespace vce::sip {

class CallSession;
class Relay;
struct Source;

// One durable SQL write the engine needs committed before it answers.
struct SqlWrite {
    std::string sql;
    SqlParams params;
};

class Engine {
public:
    Engine(Host &host, SipConfig cfg, std::shared_ptr<SharedSipState> shared, unsigned worker = 0);
    ~Engine();

    // Any thread (core): start the SIP thread and bind; "" or why not.
    std::string start();
    void stop();

    // Any thread: hand bindings loaded from the database to the SIP thread.
    // The rows of chan_sip's restore query (aor, terminal_id, contact, received, transport,
    // expires epoch, user_agent, call_id, cseq), read and stored on this engine's thread.
    void load_bindings(std::shared_ptr<const SqlRowSet> rows);
    void load_bindings(std::vector<Binding> bindings);
    // Any thread: text for `sip show registrations [NUMBER]`; answers through `reply` on
    // the SIP thread.
    void show_registrations(const std::string &aor, std::function<void(std::string)> reply);
    void show_status(std::function<void(std::string)> reply);
    // Any thread: text for `sip show upstream` (the first SIP thread registers upstream).
    void show_upstream(std::function<void(std::string)> reply);
    // Any thread: text for `sip show centres` (the watched centres' health).
    std::string show_centres() const { return shared_->centre_health.show(); }
    // Any thread: text for `sip show security` (blocked sources, throttled accounts, settings).
    void show_security(std::function<void(std::string)> reply);
    // Any thread: runs fn on the SIP thread (the SIP channel technology hands calls over).
    // Returns false (fn destroyed unrun) once the SIP thread has ended.
    bool post(std::function<void()> fn) { return loop_.post(std::move(fn)); }

    // --- SIP thread ---
    nta_agent_t *agent() const { return agent_; }
    nta_leg_t *default_leg() const { return leg_; }               // requests outside any dialog
    UpstreamClient *upstream() const { return upstream_.get(); }  // first SIP thread; or null
    su_root_t *root() const { return loop_.root(); }
    const SipConfig &config() const { return cfg_; }
    LocationStore &location() { return location_; }
    RouteService *router() const;
    // Whether a caller of `reach` may have a request sent to this SIP host (a PSTN trunk, a
    // carrier: RouteService::reach_needed_at); a refusal is logged. Any thread.
    bool may_send_to(const std::string &hostport, routing::Reach reach,
                     const std::string &call_id) const;
    DialplanService *dialplan() const;
    int64_t now() const;
    // Durable writes through res_pgsql (on the core thread); `done` runs on the SIP thread
    // with 0 when all committed, 503 when the queue refused, 500 when the server refused.
    void persist(std::vector<SqlWrite> writes, std::function<void(int status)> done);
    // Fire-and-forget durable write (CDRs, deletions); failures are logged.
    void persist_async(SqlWrite write);
    // A read on the core thread; `done` runs on the SIP thread.
    void query(std::string sql, SqlParams params, std::function<void(SqlResult)> done);

    // Our own address for Via/Record-Route: "sip:IP:PORT".
    const std::string &self_uri() const { return self_uri_; }
    // The Record-Route entry (with "<...;lr>") that the party of a dialog reached over
    // `transport` ("udp", "tcp", "tls") sends its in-dialog requests to: our TLS address for a
    // TLS party (when TLS is on), else self_uri().
    std::string record_route_for(const std::string &transport) const;
    bool is_self(const url_t *url) const;
    // What a Request-URI dials: the user part for our own domain; "user@host" for another
    // domain (an e-mail alias); the host alone when there is no user (a domain alias).
    std::string dialled_of(const url_t *url) const;
    // Removes the Route entries naming us (a phone's outbound proxy setting, or our own
    // Record-Route coming back) from the top of a request we forward.
    void drop_own_routes(msg_t *msg, sip_t *sip) const;
    void end_session(uint64_t id);
    // A relay of one request, owned here until it has answered (end_relay, deferred: it may
    // be inside one of its own transactions' callbacks).
    Relay &start_relay(nta_incoming_t *irq, std::function<bool(int)> on_failure = nullptr);
    void end_relay(Relay *r);
    void deliver_queued_messages(const std::string &aor);
    // A MESSAGE of ours (a stored one, or one res_sms hands over) to one binding; `done` runs
    // on the SIP thread with the final status (408 when none came). The body is bytes.
    void send_message(const Binding &to, const std::string &from, const std::string &content_type,
                      const std::string &body, std::string call_id,
                      std::function<void(int status)> done);
    SipCounters &counters;
    unsigned worker() const { return worker_; }
    // The media relay calls are anchored through; null with media_relay = never.
    MediaRelayService *media_relay() const { return shared_->media_relay; }

private:
    friend class CallSession;
    static int on_request(nta_leg_magic_t *self, nta_leg_t *leg, nta_incoming_t *irq,
                          sip_t const *sip);
    static int on_stateless(nta_agent_magic_t *self, nta_agent_t *agent, msg_t *msg, sip_t *sip);
    int handle(nta_incoming_t *irq, sip_t const *sip);
    int handle_register(nta_incoming_t *irq, sip_t const *sip, const Source &src);
    int handle_invite(nta_incoming_t *irq, sip_t const *sip, const Source &src);
    int handle_message(nta_incoming_t *irq, sip_t const *sip, const Source &src);
    int handle_in_dialog(nta_incoming_t *irq, sip_t const *sip, const Source &src);
    // Digest check for a member request: true when authenticated (user set); otherwise
    // the challenge or refusal has been sent and the caller returns.
    bool authenticate(nta_incoming_t *irq, sip_t const *sip, const Source &src, bool proxy,
                      std::string &user);
    // flood_trusted, a trusted peer or one of our upstream servers: never guarded.
    bool trusted_source(const std::string &ip) const;
    void report(const std::vector<AuthGuardEvent> &events, const Source &src);
    void housekeeping();
    void store_bindings(const std::vector<Binding> &bindings);  // SIP thread
    std::string listen_tls(const std::string &maddr);           // "" or why not
    // A binding registered over TCP or TLS lives as long as its connection (first SIP thread,
    // which owns every connection): watched from its REGISTER on, removed (with a NOTICE)
    // when the connection closes, so that its callers get the fallback at once.
    void watch_connection(nta_incoming_t *irq, const Binding &b);
    void connection_closed(const std::string &key, const Binding &b);
    struct WatchedConnection {
        std::string received;  // the binding's source address: which connection
        std::unique_ptr<ConnectionWatch> watch;
    };
    std::map<std::string, WatchedConnection> connections_;  // by aor + "\n" + terminal id
    static void on_timer(su_root_magic_t *, su_timer_t *t, su_timer_arg_t *arg);

    Host &host_;
    SipConfig cfg_;
    SipLoop loop_;
    nta_agent_t *agent_ = nullptr;
    nta_leg_t *leg_ = nullptr;
    su_timer_t *timer_ = nullptr;
    std::string self_uri_;
    std::string self_tls_uri_;  // "sip:IP:TLSPORT;transport=tls" when tls_port is set
    std::string host_node_;
    std::shared_ptr<SharedSipState> shared_;
    unsigned worker_;
    int private_port_ = 0;  // workers > 1: this thread's own port
    LocationStore &location_;
    DigestAuth &auth_;
    FloodGuard &flood_;
    AuthFailureGuard &guard_;
    uint64_t next_session_ = 1;
    std::unordered_map<uint64_t, std::unique_ptr<CallSession>> sessions_;
    // The Call-IDs of sessions_ (a count: a forked call can come back as a second INVITE of
    // the same Call-ID), so that an in-dialog request of an early dialog is found at once.
    std::unordered_map<std::string, unsigned> calls_in_setup_;
    std::unordered_map<Relay *, std::unique_ptr<Relay>> relays_;
    // A MESSAGE of ours on its way (send_message): a stored one to a phone that registered
    // again, or one of res_sms's.
    struct QueuedDelivery {
        Engine *e = nullptr;
        std::function<void(int status)> done;
        OutgoingTx tx;
    };
    std::unordered_map<QueuedDelivery *, std::unique_ptr<QueuedDelivery>> deliveries_;
    // Dialogs we are ending: our BYE waits for its answer here, with its dialog.
    struct Closing {
        Dialog dialog;
        OutgoingTx bye;
    };
    std::unordered_map<nta_outgoing_t *, Closing> closing_;
    std::unique_ptr<UpstreamClient> upstream_;     // first SIP thread, with [upstream:...] only
    std::unique_ptr<BindingQualifier> qualifier_;  // first SIP thread, qualify_seconds > 0
    std::unique_ptr<CentreMonitor> centres_;       // first SIP thread, centre_keepalive > 0
    static int on_closing_response(nta_outgoing_magic_t *self, nta_outgoing_t *orq,
                                   sip_t const *sip);

public:
    // Closes a leg's record once (CallRecord::close) and writes its CDR row.
    void close_cdr(CallRecord &leg, const std::string &outcome = "", int sip_status = 0);
    // An answered proxied leg: its CDR is written when the BYE has been relayed.
    // `hosts`: where the dialog's parties are (their Contacts, next hops and sources, as
    // uri_host gives them): in-dialog requests are relayed there and nowhere else.
    // A limited call (grant.limited) also gets its paid time watched, and `dialog` is what
    // ends it when that is over.
    void await_bye(const CallRecord &leg, std::vector<std::string> hosts, PeerChannel channel,
                   ProxiedDialog dialog = {}, CreditGrant grant = {});
    // The watch of a limited call's paid time, armed; null when `grant` has no limit.
    std::unique_ptr<CreditWatch> watch_credit(const CallRecord &leg, const CreditGrant &grant);
    PeerCallLimits &peer_limits() { return shared_->peer_limits; }
    void gateway_answered(uint64_t session, const std::string &call_id, GatewayCall g);
    // The answered call's media is anchored at the media relay; `caller_tag`, the caller's
    // From tag, says which side a re-INVITE or UPDATE comes from (AnchoredDialog.cpp).
    void media_anchored(const std::string &call_id, std::string caller_tag);
    // Any thread: an event of a gateway leg; runs on the SIP thread.
    void post_gateway_event(uint64_t session, DialEvent ev);
    ChannelRegistry *channels() const;
    double now_precise() const;

private:
    struct AnsweredCall {
        CallRecord cdr;                  // the leg awaiting its BYE
        std::vector<std::string> hosts;  // where its in-dialog requests may go
        PeerChannel channel;             // a peer's call: its channel until the BYE
        ProxiedDialog dialog;            // a limited call: how to end it ourselves
        std::unique_ptr<CreditWatch> credit;
        std::string media_caller_tag;  // its media is anchored: the caller's From tag
    };
    // A re-INVITE or UPDATE with an offer of a call whose media is anchored: the offer in
    // `fwd` rewritten, and the hook that rewrites the answer. `refused`: the relay refused the
    // offer and the request has been answered here (fwd destroyed).
    Relay::AnswerHook anchor_in_dialog(nta_incoming_t *irq, sip_t const *sip, msg_t *fwd,
                                       const Source &src, bool &refused);
    // Paid call time: the watch of a call by Call-ID (null when none), its timer, the
    // call_extend it asks, and the end of a call whose time is over (BYE to both parties, or
    // the gateway leg hung up).
    CreditWatch *credit_of(const std::string &call_id);
    void arm_credit(CreditWatch &w);
    static void on_credit_timer(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg);
    void credit_due(CreditWatch &w);
    void end_call_at_limit(const std::string &call_id);
    void send_bye(const ProxiedDialog::Party &to, const std::string &from,
                  const std::string &to_hdr, uint32_t cseq, const std::string &call_id,
                  const char *reason);
    std::unordered_map<std::string, AnsweredCall> answered_;  // by Call-ID
    // Whether an in-dialog request of this Call-ID may be relayed to `next_hop_host`: a dialog
    // we proxied (answered, or still being set up) and one of its parties. Else it is
    // answered 481 (never relayed: a forged dialog is the oldest way through a proxy to a
    // trunk or a carrier that trusts it).
    bool in_dialog_allowed(const std::string &call_id, const std::string &next_hop_host,
                           const Source &src) const;
    std::unordered_map<std::string, GatewayCall> gateway_;
    std::unordered_map<uint64_t, std::string> gateway_by_session_;  // answered: session -> Call-ID
    bool end_gateway_from_caller(nta_incoming_t *irq, sip_t const *sip);
    void end_gateway_from_far_end(const std::string &call_id);
    // Guards the closures this engine hands to the core thread and the database callbacks
    // it passes there: ended first in ~Engine, so none runs on a destroyed engine.
    Lifetime life_;
};

// Where a request came from (the real source address, for NAT and security logs).
struct Source {
    std::string ip;
    int port = 0;
    // "udp" / "tcp" / "tls": the transport the request really came over (sofia's connection,
    // not its Via, which the sender writes). secure(): over TLS (e.g. for SDES keys in SDP).
    std::string transport;
    bool secure() const { return transport == "tls"; }
    std::string hostport() const { return ip + ":" + std::to_string(port); }
};

}  // namespace vce::sip
