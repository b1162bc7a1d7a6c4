// A peer's concurrent calls and new calls per second (see PeerCallLimits.h).
#include "PeerCallLimits.h"

#include <algorithm>

namespace vce::sip {

PeerCallLimits::Verdict PeerCallLimits::admit(const std::string &peer, int max_channels,
                                              double max_cps, double now) {
    std::lock_guard<std::mutex> lock(m_);
    State &s = peers_[peer];
    if (max_channels > 0 && s.active >= max_channels) return Verdict::TooManyChannels;
    if (max_cps > 0) {
        // A bucket of max_cps calls (at least one), refilled at max_cps per second.
        const double capacity = std::max(1.0, max_cps);
        s.tokens =
            s.tokens < 0 ? capacity : std::min(capacity, s.tokens + (now - s.last) * max_cps);
        s.last = now;
        if (s.tokens < 1) return Verdict::TooFast;
        s.tokens -= 1;
    }
    ++s.active;
    return Verdict::Admitted;
}

void PeerCallLimits::release(const std::string &peer) {
    std::lock_guard<std::mutex> lock(m_);
    auto it = peers_.find(peer);
    if (it != peers_.end() && it->second.active > 0) --it->second.active;
}

int PeerCallLimits::active(const std::string &peer) const {
    std::lock_guard<std::mutex> lock(m_);
    auto it = peers_.find(peer);
    return it == peers_.end() ? 0 : it->second.active;
}

std::map<std::string, int> PeerCallLimits::active_all() const {
    std::lock_guard<std::mutex> lock(m_);
    std::map<std::string, int> out;
    for (const auto &[name, s] : peers_)
        if (s.active > 0) out[name] = s.active;
    return out;
}

}  // namespace vce::sip
