// chan_sip: "are you there?" asked of one SIP server: an OPTIONS out of dialog with a silence
// deadline, its outcome reported once: answered (any final status but 408 and 503, which nta
// makes up for a timeout or a transport error, or a server that cannot take calls now), or
// not within silence_ms. The one pinger of chan_sip: the upstream keepalive (UpstreamClient)
// and the centre monitor (CentreMonitor) both ask through it. SIP thread only.
#pragma once

#include <sofia-sip/nta.h>

#include <cstdint>
#include <functional>
#include <string>

#include "SofiaHandles.h"

namespace vce::sip {

class Engine;

class OptionsProbe {
public:
    // call_id: the probe's own Call-ID (kept for every OPTIONS, CSeq counting up); from_uri:
    // "sip:user@domain" (our side); the From tag is made here.
    OptionsProbe(Engine &engine, std::string call_id, std::string from_uri, std::string from_tag);
    OptionsProbe(const OptionsProbe &) = delete;
    OptionsProbe &operator=(const OptionsProbe &) = delete;

    // Sends one OPTIONS to `hop` ("sip:HOST:PORT;transport=udp") for `request_uri`; `done`
    // runs once, with true at an answer, false when none came within silence_ms (or it could
    // not be sent). A probe still out is given up first (its `done` never runs).
    void send(const std::string &hop, const std::string &request_uri, int silence_ms,
              std::function<void(bool answered)> done);
    // Gives up the probe out, if any (its `done` never runs).
    void cancel();
    bool waiting() const { return waiting_; }

private:
    static int on_answer(nta_outgoing_magic_t *magic, nta_outgoing_t *orq, sip_t const *sip);
    static void on_silence(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg);
    void finish(bool answered);

    Engine &engine_;
    std::string call_id_, from_, to_;
    uint32_t cseq_ = 0;
    OutgoingTx tx_, spent_;  // spent: answered, kept (we were inside its callback)
    Timer silence_;
    bool waiting_ = false;
    std::function<void(bool)> done_;
};

}  // namespace vce::sip
