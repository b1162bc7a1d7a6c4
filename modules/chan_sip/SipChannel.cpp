// The channel technology "SIP": thread hand-off and the table of calls (see SipChannel.h).
#include "SipChannel.h"

#include <future>

#include "Engine.h"
#include "OutboundCall.h"
#include "vce/Log.h"

namespace vce::sip {

SipChannel::SipChannel(Engine &engine) : engine_(engine) {}

SipChannel::~SipChannel() = default;

unsigned long SipChannel::dial(const DialRequest &req, Events events) {
    if (req.resource.empty() || closed_) return 0;
    // SIP/<host:port>/<user>: the caller must have the reach that host needs.
    const size_t slash = req.resource.find('/');
    if (slash != std::string::npos &&
        !engine_.may_send_to(req.resource.substr(0, slash), req.reach, req.call_id))
        return 0;
    const unsigned long h = next_++;
    engine_.post([this, h, req, events] {
        if (closed_) return events({DialEvent::Failed, "CHANUNAVAIL", 503, ""});
        start(h, req, events);
    });
    return h;
}

void SipChannel::start(unsigned long handle, const DialRequest &req, Events events) {
    auto call = std::make_unique<OutboundCall>(engine_, handle, req, std::move(events),
                                               [this](unsigned long h) {
                                                   if (!closed_) calls_.erase(h);
                                               });
    OutboundCall *c = call.get();
    calls_[handle] = std::move(call);
    c->start();
}

void SipChannel::hangup(unsigned long handle) {
    engine_.post([this, handle] {
        auto it = calls_.find(handle);
        if (it != calls_.end()) it->second->hangup();
    });
}

void SipChannel::close() {
    if (closed_.exchange(true)) return;
    // The SIP thread ends its calls. The promise travels with the closure: if the thread has
    // ended and the closure is destroyed unrun, the future is released all the same.
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> ended = done->get_future();
    engine_.post([this, done] {
        for (auto &[h, call] : calls_) call->shutdown();
        if (!calls_.empty())
            VCE_LOG_NOTICE("SIP: %zu outgoing calls ended at unload", calls_.size());
        calls_.clear();
        done->set_value();
    });
    done.reset();
    ended.wait();
}

}  // namespace vce::sip
