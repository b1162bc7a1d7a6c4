// Per-sender rate limit of short messages (a token bucket per number, refilled per minute).
// Pure: the time is passed in.
#pragma once

#include <string>
#include <unordered_map>

namespace vce::sms {

class SenderRate {
public:
    // per_minute = 0: no limit. A sender may send a burst of per_minute at once.
    explicit SenderRate(int per_minute = 0) : per_minute_(per_minute) {}
    // Takes one message from `sender`'s allowance at time `now` (seconds); false when spent.
    bool take(const std::string &sender, double now);

private:
    struct Bucket {
        double tokens = 0, at = 0;
    };
    int per_minute_;
    std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace vce::sms
