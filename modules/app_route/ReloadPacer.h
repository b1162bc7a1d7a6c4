// When to reload routing data: coalesces bursts of NOTIFYs into at most one load per gap,
// and one more load when changes arrived while a load was running. No I/O, no clock.
#pragma once

#include <chrono>
#include <optional>

namespace vce::approute {

class ReloadPacer {
public:
    using Clock = std::chrono::steady_clock;
    using Ms = std::chrono::milliseconds;

    explicit ReloadPacer(Ms gap = Ms(200)) : gap_(gap) {}

    // Something changed at `now`. Returns the delay after which to start a load, or
    // nullopt when a load is already scheduled or running (it is remembered).
    std::optional<Ms> request(Clock::time_point now);
    // A load starts now (scheduled, or forced by an operator).
    void started(Clock::time_point now);
    // The running load ended. Returns a delay when changes arrived while it ran.
    std::optional<Ms> finished(Clock::time_point now);

    bool running() const { return running_; }
    bool scheduled() const { return scheduled_; }

private:
    Ms delay(Clock::time_point now) const;

    Ms gap_;
    bool running_ = false, scheduled_ = false, dirty_ = false, ever_ = false;
    Clock::time_point last_start_{};
};

}  // namespace vce::approute
