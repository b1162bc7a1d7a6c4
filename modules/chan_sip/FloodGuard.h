// Per-source request rate limit (token bucket per IP address) with a trusted list.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace vce::sip {

class FloodGuard {
public:
    // rate: requests per second allowed on average; burst: bucket size. rate 0 = off.
    FloodGuard(double rate, double burst) : rate_(rate), burst_(burst) {}
    void trust(const std::string &ip) { trusted_.insert(ip); }
    bool trusted(const std::string &ip) const { return trusted_.count(ip) > 0; }

    // true: let the request in. The first refusal after a good spell reports `first_block`.
    bool allow(const std::string &ip, double now, bool *first_block = nullptr);
    // Forget idle sources.
    void purge(double now);

private:
    struct Bucket {
        double tokens, at;
        bool blocked;
    };
    double rate_, burst_;
    std::unordered_map<std::string, Bucket> buckets_;
    std::unordered_set<std::string> trusted_;
};

}  // namespace vce::sip
