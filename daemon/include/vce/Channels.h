// Channel technologies ("SIP", "TDM"): what Dial(TECH/resource) reaches. A module that
// owns a technology registers it here (service "channels"); the module that owns a call
// (the caller's channel) uses it to place the outgoing leg. Calls are values across
// threads: a technology reports back through the callback, on its own thread, and the
// caller posts the event to its thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "routing/Peer.h"

namespace vce {

struct DialRequest {
    std::string call_id;   // the caller's call id (for logs and CDRs)
    std::string resource;  // after "TECH/": "trunks/+82262006200", "0262006200082"
    std::string caller;    // caller id number
    std::string caller_name;
    std::string sdp_offer;  // the caller's media offer (SIP callers); empty for TDM callers
    int timeout_seconds = 30;
    // What the caller may reach (its ${CALL_REACH}): a trunk to the PSTN is seized only for
    // a caller with the right to the PSTN.
    routing::Reach reach = routing::Reach::Own;
};

struct DialEvent {
    enum Kind { Ringing, Answered, Failed, Ended } kind;
    std::string dialstatus;  // Failed: BUSY, NOANSWER, CHANUNAVAIL, CONGESTION
    int sip_status = 0;      // Failed: the SIP status to give a SIP caller
    std::string sdp_answer;  // Answered: the media answer for a SIP caller
};

class ChannelTech {
public:
    using Events = std::function<void(const DialEvent &)>;
    virtual ~ChannelTech() = default;
    // Starts the outgoing leg; returns a handle (0 = refused at once, `events` not called).
    virtual unsigned long dial(const DialRequest &req, Events events) = 0;
    // The caller hung up or cancelled; the leg ends (no more events after Ended).
    virtual void hangup(unsigned long handle) = 0;
};

// Registry of technologies by name; thread-safe. A call that uses another module's
// technology holds it with acquire(): the owning module's busy() counts those holders
// (users()), so `module unload` is refused while a call holds its technology.
class ChannelRegistry {
public:
    bool add(const std::string &tech, ChannelTech *t) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (techs_.count(tech)) return false;
        techs_.emplace(tech, std::shared_ptr<ChannelTech>(t, [](ChannelTech *) {}));
        return true;
    }
    void remove(const std::string &tech) {
        std::lock_guard<std::mutex> lock(mutex_);
        techs_.erase(tech);
    }
    // A counted reference for the length of a call (null if no module offers `tech`).
    std::shared_ptr<ChannelTech> acquire(const std::string &tech) const {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = techs_.find(tech);
        return it == techs_.end() ? nullptr : it->second;
    }
    // An uncounted pointer, for a look that ends before the caller returns.
    ChannelTech *find(const std::string &tech) const { return acquire(tech).get(); }
    // How many calls hold `tech` now.
    long users(const std::string &tech) const {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = techs_.find(tech);
        return it == techs_.end() ? 0 : it->second.use_count() - 1;
    }

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<ChannelTech>> techs_;
};

}  // namespace vce
