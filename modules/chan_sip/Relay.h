// Stateful forwarding of a request that is not a call setup: in-dialog requests (BYE,
// re-INVITE, ...) along the route set, and MESSAGE to the callee's bindings (stored for
// later when nobody takes it). Answers the caller with the first 2xx or the best failure.
// Owned by the Engine (Engine::start_relay), which destroys it once it has answered.
#pragma once

#include <sofia-sip/nta.h>

#include <functional>
#include <string>

#include "ForkSet.h"
#include "SofiaHandles.h"

namespace vce::sip {

class Engine;

class Relay {
public:
    // on_failure: when every leg failed; return true if it answered the caller itself
    // (e.g. stored the message and said 202): the transaction is then its to answer.
    using Fallback = std::function<bool(int best_status)>;
    Relay(Engine &e, nta_incoming_t *irq, Fallback on_failure = nullptr);
    ~Relay();

    // Sends a copy of `request` (already prepared: Request-URI, Route, Max-Forwards); the
    // message is taken over either way.
    bool add_leg(msg_t *request, const std::string &next_hop);
    // Call when all legs are added; answers now if none could be sent.
    void started();
    void on_final(std::function<void(int status)> fn) { on_final_ = std::move(fn); }
    // Runs on the 2xx we forward, before it goes (the media relay rewrites its SDP); `source`:
    // the "ip:port" it came from.
    using AnswerHook = std::function<void(msg_t *answer, const std::string &source)>;
    void on_answer(AnswerHook fn) { on_answer_ = std::move(fn); }

private:
    struct Leg : ForkBase {
        Relay *relay = nullptr;
    };
    static int on_response(nta_outgoing_magic_t *magic, nta_outgoing_t *orq, sip_t const *sip);
    void response(Leg &leg, sip_t const *sip);
    void answer_best();
    void finish(int status);  // answered: tell on_final, and let the engine destroy us
    Engine &e_;
    IncomingTx irq_;
    Fallback fallback_;
    std::function<void(int)> on_final_;
    AnswerHook on_answer_;
    ForkSet<Leg> legs_;
    bool finished_ = false;
};

}  // namespace vce::sip
