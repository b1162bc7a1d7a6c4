// The per-sender token bucket; buckets of senders quiet for a while are forgotten.
#include "modules/res_sms/SenderRate.h"

#include <algorithm>

namespace vce::sms {

bool SenderRate::take(const std::string &sender, double now) {
    if (per_minute_ <= 0) return true;
    if (buckets_.size() > 100000)  // a full bucket is the same as none: drop them
        for (auto it = buckets_.begin(); it != buckets_.end();)
            it = now - it->second.at > 60 ? buckets_.erase(it) : std::next(it);
    auto [it, fresh] = buckets_.try_emplace(sender);
    Bucket &b = it->second;
    if (fresh) b = {double(per_minute_), now};
    b.tokens = std::min<double>(per_minute_, b.tokens + (now - b.at) * per_minute_ / 60.0);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
}

}  // namespace vce::sms
