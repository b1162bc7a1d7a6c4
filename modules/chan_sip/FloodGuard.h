// Per-source request rate limit (token bucket per IP address) with a trusted list.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace vce::sip {

class FloodGuard {
public:
    // rate: requests per second allowed on average; burst: bucket size. rate 0 = off.
    FloodGuard(double rate, double burst) : rate_(rate), burst_(burst) {}
    // Shared by the SIP threads: every method locks.
    void trust(const std::string &ip) {
        std::lock_guard<std::mutex> lock(mutex_);
        trusted_.insert(ip);
    }
    bool trusted(const std::string &ip) const {
        std::lock_guard<std::mutex> lock(mutex_);
        return trusted_.count(ip) > 0;
    }

    // true: let the request in. The first refusal after a good spell reports `first_block`.
    bool allow(const std::string &ip, double now, bool *first_block = nullptr);
    // Forget idle sources.
    void purge(double now);

private:
    struct Bucket {
        double tokens, at;
        bool blocked;
    };
    mutable std::mutex mutex_;
    double rate_, burst_;
    std::unordered_map<std::string, Bucket> buckets_;
    std::unordered_set<std::string> trusted_;
};

}  // namespace vce::sip
