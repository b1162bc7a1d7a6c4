// A peer's call limits (peers table: max_channels, max_cps): the calls of each peer in
// progress and a token bucket of new calls per second, shared by the SIP threads (it locks for
// itself). A call admitted holds a PeerChannel, which gives its channel back when it is
// destroyed: with the call in setup, the proxied dialog awaiting its BYE, or the gateway
// call, whichever holds it last. No I/O; the clock is passed in.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace vce::sip {

class PeerCallLimits {
public:
    enum class Verdict { Admitted, TooManyChannels, TooFast };
    // A new call of `peer`: admitted (counted), or refused by which limit (0 = no limit).
    Verdict admit(const std::string &peer, int max_channels, double max_cps, double now_s);
    void release(const std::string &peer);
    int active(const std::string &peer) const;
    std::map<std::string, int> active_all() const;  // peers with calls in progress

private:
    struct State {
        int active = 0;
        double tokens = -1;  // -1: not started (a full bucket)
        double last = 0;
    };
    mutable std::mutex m_;
    std::unordered_map<std::string, State> peers_;
};

// One admitted call of a peer; gives the channel back when destroyed. Move-only.
class PeerChannel {
public:
    PeerChannel() = default;
    PeerChannel(PeerCallLimits &limits, std::string peer)
        : limits_(&limits), peer_(std::move(peer)) {}
    PeerChannel(PeerChannel &&o) noexcept : limits_(o.limits_), peer_(std::move(o.peer_)) {
        o.limits_ = nullptr;
    }
    PeerChannel &operator=(PeerChannel &&o) noexcept {
        if (this != &o) {
            reset();
            limits_ = o.limits_, peer_ = std::move(o.peer_);
            o.limits_ = nullptr;
        }
        return *this;
    }
    PeerChannel(const PeerChannel &) = delete;
    PeerChannel &operator=(const PeerChannel &) = delete;
    ~PeerChannel() { reset(); }
    void reset() {
        if (limits_) limits_->release(peer_);
        limits_ = nullptr;
    }

private:
    PeerCallLimits *limits_ = nullptr;
    std::string peer_;
};

}  // namespace vce::sip
