// One INVITE being set up: runs the caller's dialplan context and, for each Dial(),
// forks the INVITE to the targets (every binding of a number rings), forwards
// provisional and final answers, cancels on timeout or CANCEL, and records a CDR per leg.
#pragma once

#include <sofia-sip/nta.h>
#include <sofia-sip/su_wait.h>

#include <memory>
#include <string>
#include <vector>

#include "CallerPresentation.h"
#include "Engine.h"
#include "ForkSet.h"
#include "SofiaHandles.h"
#include "routing/Peer.h"
#include "vce/CallDriver.h"
#include "vce/Channels.h"

namespace vce::sip {

class CallSession {
public:
    // `nat_source`: a member's "ip:port" over UDP; the INVITE's Contact is forwarded with that
    // address when it names another (NAT). Empty for peers and TCP.
    // `reach`: what the caller may reach (${CALL_REACH}, routing/Peer.h).
    CallSession(Engine &e, uint64_t id, nta_incoming_t *irq, sip_t const *sip, std::string caller,
                std::string context, routing::Reach reach, std::string nat_source = "");
    ~CallSession();

    void start();
    const std::string &call_id() const { return cdr_.call_id; }
    // Where the caller's INVITE came from and the peer it is ("" for a member): named in the
    // SECURITY line of a call refused for going beyond its reach.
    // `asserted`: that peer is in our trust domain (its P-Asserted-Identity is believed).
    void set_source(std::string ip, int port, std::string peer, bool asserted = false) {
        source_ip_ = std::move(ip), source_port_ = port, peer_ = std::move(peer);
        source_asserted_ = asserted;
    }
    // "udp", "tcp" or "tls": the caller's side of the Record-Route (Engine::record_route_for).
    void set_caller_transport(std::string t) { caller_transport_ = std::move(t); }
    // The peer's channel this call holds until it ends (handed on with the answered call).
    void hold_channel(PeerChannel c) { channel_ = std::move(c); }
    // The authenticated member's account: its legs are charged to it, and when it is
    // `metered` those that cost money are authorised against its balance before they are
    // dialled (sql/015_balances.sql).
    void set_payer(std::string account, bool metered) {
        cdr_.payer = std::move(account);
        metered_ = metered;
    }
    // The caller is a trusted box in redirect mode: Dial(SIP/<account>) answers 302 with the
    // account's contacts instead of calling them.
    void redirect_mode() { redirect_ = true; }
    // An event of a leg on another technology (TDM), on the SIP thread.
    void gateway_event(const DialEvent &ev);

private:
    // One proxied copy of the INVITE (ForkBase::tx).
    struct Fork : ForkBase {
        CallSession *call = nullptr;
        std::string target;
        bool natted = false;  // a binding behind NAT (over UDP): fix its answers' Contact
        std::vector<std::string> hosts;  // its Request-URI's and next hop's (uri_host)
        std::string hop;                 // its next hop ("" = by its Request-URI)
    };
    static int on_response(nta_outgoing_magic_t *magic, nta_outgoing_t *orq, sip_t const *sip);
    static int on_cancel(nta_incoming_magic_t *magic, nta_incoming_t *irq, sip_t const *sip);
    static void on_dial_timeout(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg);

    // Where one fork of a Dial goes (add_fork's arguments).
    struct ForkTarget {
        std::string request_uri, hop, target;
        bool natted = false;
        std::string peer_host;
    };
    void step();
    void dial(const DialArgs &d);
    // Whether this leg's media is anchored at the media relay (media_relay in sip.conf): the
    // caller's offer rewritten once for every fork. false: the relay refused the offer, the
    // caller has its answer (400/488/503 with a Warning) and the call is over.
    bool anchor_media(const std::vector<ForkTarget> &targets);
    // A fork's answer with SDP, rewritten to the relay when the leg's media is anchored.
    void anchor_answer(const Fork &f, msg_t *answer, const std::string &source);
    void place_legs(const DialArgs &d);  // dial() once the leg may be dialled
    // A billable leg of a limited member: call_authorize first, then place_legs or refuse.
    bool needs_credit() const;
    CreditGrant call_limit() const;
    void authorize(const DialArgs &d);
    void authorized(const DialArgs &d, const SqlResult &r);
    std::vector<std::string> dialog_hosts(const Fork &f, sip_t const *answer) const;
    bool redirect(const std::string &account);  // 302 with its contacts; false: none
    // `peer_host`: the "host:port" of a peer the fork goes to (SIP/host/user); "" for a
    // member's phone. The caller is presented as that peer expects (CallerPresentation.h).
    CallerFacts caller_facts(const std::string &peer_host) const;
    bool add_fork(const std::string &request_uri, const std::string &next_hop,
                  const std::string &target, bool natted = false,
                  const std::string &peer_host = "");
    void fork_response(Fork &f, sip_t const *sip);
    void forward_response(Fork &f, bool natted);  // a fork's answer to the caller
    void dial_finished(const std::string &dialstatus);
    void cancel_forks();  // the forks and the gateway leg
    void respond(int status, const char *phrase);
    void finish();

    Engine &e_;
    uint64_t id_;
    IncomingTx irq_;  // the caller's INVITE: answered 500 if we are destroyed unanswered
    MsgRef request_;  // our reference to the caller's INVITE
    std::string caller_, dialled_, nat_source_;
    std::string caller_transport_ = "udp";  // what the caller's INVITE came over
    std::unique_ptr<CallDriver> driver_;    // the caller's run through the dialplan
    ForkSet<Fork> forks_;                   // its best failure is forwarded if the plan ends
    Timer timer_;                           // the Dial timeout
    std::string source_ip_, peer_;
    PeerChannel channel_;  // a peer's admitted call (PeerCallLimits)
    int source_port_ = 0;
    bool dialling_ = false, answered_ = false, cancelled_ = false, finished_ = false;
    bool redirect_ = false;
    bool source_asserted_ = false;
    bool metered_ = false;  // the payer's spending is watched
    int legs_ = 0;
    CreditGrant grant_;          // the leg being dialled: its paid call time
    int credit_refusal_ = 0;     // 402/503 when the last leg was refused for its cost
    std::string credit_reason_;  // why, for the Warning header
    // A leg on another technology (Dial(TDM/...)): we answer the caller ourselves with
    // that technology's media (this box terminates the call).
    bool start_gateway(const std::string &tech, const std::string &resource, int timeout);
    std::shared_ptr<ChannelTech> gw_tech_;  // counted reference (ChannelRegistry::acquire)
    unsigned long gw_handle_ = 0;
    CallRecord cdr_;
    bool media_relayed_ = false;  // this leg's media goes through the media relay
    std::string relayed_offer_;   // the caller's offer as the forks get it
};

}  // namespace vce::sip
