// Overlap dialling for analog lines: when the digits so far are a complete number. No I/O.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "dialplan/Dialplan.h"

namespace vce::dialplan {

// Fed one digit at a time with the current time (the caller owns the timer). Rules:
// - digits that match an extension and could not match more: dial now;
// - digits that can still match: wait, with the inter-digit timeout when they already
//   match (the timeout then dials them) or could match later (the timeout refuses);
// - '#': part of the number while the digits with it can match (a VNS "6200-6200#082");
//   otherwise it ends dialling when the digits without it match; else invalid.
class OverlapDialler {
public:
    using Clock = std::chrono::steady_clock;
    enum class Action { Wait, Dial, Invalid };
    struct Result {
        Action action = Action::Wait;
        std::string number;  // for Dial
    };

    OverlapDialler(std::shared_ptr<const Dialplan> plan, std::string context,
                   std::chrono::milliseconds inter_digit = std::chrono::milliseconds(5000));

    Result digit(char d, Clock::time_point now);
    // Call when now >= deadline(): dials what matches, else invalid.
    Result timeout(Clock::time_point now);
    Clock::time_point deadline() const { return deadline_; }
    const std::string &digits() const { return digits_; }

private:
    std::shared_ptr<const Dialplan> plan_;
    std::string context_;
    std::chrono::milliseconds inter_digit_;
    std::string digits_;
    Clock::time_point deadline_ = Clock::time_point::max();
    bool done_ = false;
};

}  // namespace vce::dialplan
