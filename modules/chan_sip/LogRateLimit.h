// A token bucket for log lines (pure: the caller passes the time): lets `burst` lines through
// at once and `per_second` after that, and counts what it held back so the next line let
// through can say how many were dropped. Used for sofia-sip's own messages (SofiaLog).
#pragma once

#include <cstdint>

namespace vce::sip {

class LogRateLimit {
public:
    LogRateLimit(double burst, double per_second)
        : burst_(burst), rate_(per_second), tokens_(burst) {}

    struct Verdict {
        bool log = false;         // write this line
        uint64_t suppressed = 0;  // lines dropped since the last one written (say so first)
    };
    // `now` in seconds, from any monotonic clock; it never goes back.
    Verdict admit(double now);

private:
    double burst_, rate_, tokens_;
    double last_ = -1;
    uint64_t dropped_ = 0;
};

}  // namespace vce::sip
