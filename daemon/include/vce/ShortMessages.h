// Short messages between terminal protocols, as values: chan_sip sends one to a SIP phone as
// MESSAGE for res_sms (service "sip_messages"), and res_sms delivers one to framed terminals
// for chan_sip (service "framed_messages"). Each method says which thread may call it.
#pragma once

#include <functional>
#include <string>

#include "vce/LocationService.h"

namespace vce {

struct ShortMessage {
    std::string from;          // the sender: a number, or a SIP sender's URI
    std::string to;            // the callee's account (the router's answer)
    std::string content_type;  // "" = text/plain;charset=utf-8
    std::string body;          // bytes, NUL included
};

// chan_sip: one MESSAGE to one SIP binding.
class SipMessageSender {
public:
    virtual ~SipMessageSender() = default;
    // Any thread. `done` runs once on the core thread with the final SIP status (408 when
    // none came, 503 when chan_sip is stopping).
    virtual void send(const ShortMessage &m, const TerminalBinding &to,
                      std::function<void(int status)> done) = 0;
};

// res_sms: a message to every framed binding of `m.to`.
class FramedMessageSink {
public:
    virtual ~FramedMessageSink() = default;
    // Core thread. `done` runs once on the core thread: 200 when a terminal reported it
    // delivered, 480 when none took it (no framed binding, refused, or no report in time).
    virtual void deliver(const ShortMessage &m, std::function<void(int status)> done) = 0;
};

namespace services {
constexpr const char *kSipMessages = "sip_messages";        // vce::SipMessageSender (chan_sip)
constexpr const char *kFramedMessages = "framed_messages";  // vce::FramedMessageSink (res_sms)
}  // namespace services

}  // namespace vce
