// One call placed by the SIP channel technology for another technology's caller (a TDM line
// dialling SIP/<account> or SIP/<host:port>/<user>): a UAC INVITE with the caller's SDP offer
// to every live binding of the account (forking, each fork its own dialog), 18x reported as
// Ringing, the first 2xx ACKed and reported Answered with the SDP answer while the other forks
// are cancelled, failures and the Dial timeout reported as Failed with a DIALSTATUS; CANCEL or
// BYE when the caller hangs up, and the callee's BYE reported as Ended. One CDR row per call.
// SIP/<upstream>/<number> (an [upstream:NAME] of sip.conf) goes to the server that registered
// us, with the line's number as From and the upstream's credentials answering a 401/407 once;
// when no registration of that upstream is up, or the server does not answer the INVITE within
// its silence_ms, the call fails at once with CHANUNAVAIL (the box's dialplan falls back).
// Lives on the SIP thread only; nothing here forwards an incoming request anywhere.
#pragma once

#include <sofia-sip/nta.h>
#include <sofia-sip/su_wait.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "Dialog.h"
#include "Engine.h"
#include "ForkSet.h"
#include "SofiaHandles.h"
#include "vce/Channels.h"

namespace vce::sip {

class OutboundCall {
public:
    // `finished` runs (on the SIP thread, from a posted task) when nothing is left to wait for:
    // the owner then destroys the call.
    OutboundCall(Engine &e, unsigned long handle, DialRequest req, ChannelTech::Events events,
                 std::function<void(unsigned long)> finished);
    ~OutboundCall();  // the transactions and dialogs left go with it (SIP thread)
    OutboundCall(const OutboundCall &) = delete;
    OutboundCall &operator=(const OutboundCall &) = delete;

    void start();
    // The caller hung up: CANCEL before the answer, BYE after; no more events.
    void hangup();
    // The module unloads: the caller is told (Failed or Ended) and the call is ended as hangup().
    void shutdown();

private:
    // One fork: the INVITE (ForkBase::tx) on a dialog of its own.
    struct Fork : ForkBase {
        ~Fork() {  // the transactions first, then the dialog they were sent in
            tx.reset(), ack.reset(), bye.reset();
        }
        OutboundCall *call = nullptr;
        std::string target;       // "SIP/..." for logs
        std::string request_uri;  // of its INVITE
        Dialog dialog;            // its hop: where requests go when NAT rewrote the contact
        OutgoingTx ack, bye;
        OutgoingTx spent;        // the INVITE a challenge answered (inside its callback)
        bool auth_sent = false;  // its INVITE answers a challenge: a second one is final
        bool bye_done = false;   // our BYE got its final answer (or the callee sent BYE)
    };
    enum class State { Calling, Answered, Over };

    static int on_response(nta_outgoing_magic_t *magic, nta_outgoing_t *orq, sip_t const *sip);
    static int on_bye_response(nta_outgoing_magic_t *magic, nta_outgoing_t *orq, sip_t const *sip);
    static int on_request(nta_leg_magic_t *magic, nta_leg_t *leg, nta_incoming_t *irq,
                          sip_t const *sip);
    static void on_timeout(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg);
    static void on_linger(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg);
    static void on_silence(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg);

    bool add_fork(const std::string &request_uri, const std::string &to_uri, const std::string &hop,
                  const std::string &target);
    bool send_invite(Fork &f, const std::string &authorization, bool proxy);
    bool answer_challenge(Fork &f, sip_t const *sip, int status);
    bool follow_redirect(Fork &f, sip_t const *sip);
    void response(Fork &f, sip_t const *sip, int status);
    void confirm(Fork &f, sip_t const *sip);  // ACK a 2xx on the fork's dialog
    void send_bye(Fork &f);
    int request(Fork &f, nta_incoming_t *irq, sip_t const *sip);
    void failed(const std::string &dialstatus, int sip_status);
    void report(const DialEvent &ev);
    void over();  // no more events; wait for the transactions, then finish
    void check_finished();
    std::string describe() const;

    Engine &e_;
    unsigned long handle_;
    DialRequest req_;
    ChannelTech::Events events_;
    std::function<void(unsigned long)> finished_;
    std::string call_id_, from_, contact_;
    ForkSet<Fork> forks_;
    Fork *winner_ = nullptr;
    State state_ = State::Calling;
    bool ringing_ = false, finishing_ = false;
    Timer timer_;              // the Dial timeout
    Timer linger_;             // the longest we wait for answers after the call is over
    Timer silence_;            // through an upstream: its server's first answer due
    std::string upstream_;     // the upstream's name ("": not through one)
    UpstreamRoute route_;      // its server and credentials
    bool redirected_ = false;  // a 3xx of the upstream was followed (once)
    CallRecord cdr_;
};

}  // namespace vce::sip
