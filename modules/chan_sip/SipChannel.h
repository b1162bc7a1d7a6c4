// The channel technology "SIP" (service "channels"): how another module's caller — a TDM line
// whose dialplan says Dial(SIP/<account>) or Dial(SIP/<host:port>/<user>) — reaches SIP phones.
// dial() and hangup() are called on the caller's thread and hand values to the SIP thread,
// where each call is an OutboundCall; events go back through the caller's callback from the
// SIP thread (the caller posts them to its own thread).
#pragma once

#include <atomic>
#include <map>
#include <memory>

#include "vce/Channels.h"

namespace vce::sip {

class Engine;
class OutboundCall;

class SipChannel : public ChannelTech {
public:
    explicit SipChannel(Engine &engine);
    ~SipChannel() override;  // close() first

    // Any thread: returns 0 (refused at once) only for an empty resource.
    unsigned long dial(const DialRequest &req, Events events) override;
    void hangup(unsigned long handle) override;

    // Any thread but the SIP thread, while the engine still runs: tells every caller its call
    // is over (Failed or Ended), sends CANCEL/BYE and drops the calls; later dial()s fail.
    // Waits until the SIP thread has done it.
    void close();

private:
    void start(unsigned long handle, const DialRequest &req, Events events);  // SIP thread

    Engine &engine_;
    std::atomic<unsigned long> next_{1};
    std::atomic<bool> closed_{false};
    std::map<unsigned long, std::unique_ptr<OutboundCall>> calls_;  // SIP thread
};

}  // namespace vce::sip
