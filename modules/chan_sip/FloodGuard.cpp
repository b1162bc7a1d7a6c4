// Token buckets per source address.
#include "FloodGuard.h"

#include <algorithm>

namespace vce::sip {

bool FloodGuard::allow(const std::string &ip, double now, bool *first_block) {
    if (first_block) *first_block = false;
    if (rate_ <= 0) return true;  // off: no lock on the hot path
    std::lock_guard<std::mutex> lock(mutex_);
    if (trusted_.count(ip)) return true;
    auto [it, fresh] = buckets_.try_emplace(ip, Bucket{burst_, now, false});
    Bucket &b = it->second;
    b.tokens = std::min(burst_, b.tokens + (now - b.at) * rate_);
    b.at = now;
    if (b.tokens >= 1) {
        b.tokens -= 1;
        b.blocked = false;
        return true;
    }
    if (!b.blocked && first_block) *first_block = true;
    b.blocked = true;
    return false;
}

void FloodGuard::purge(double now) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = buckets_.begin(); it != buckets_.end();)
        it = now - it->second.at > burst_ / std::max(rate_, 1e-9) + 60 ? buckets_.erase(it)
                                                                       : std::next(it);
}

}  // namespace vce::sip
