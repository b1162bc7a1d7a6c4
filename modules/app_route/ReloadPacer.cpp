// Coalescing of routing-data reloads (see ReloadPacer.h).
#include "modules/app_route/ReloadPacer.h"

namespace vce::approute {

ReloadPacer::Ms ReloadPacer::delay(Clock::time_point now) const {
    if (!ever_) return Ms(0);
    auto since = std::chrono::duration_cast<Ms>(now - last_start_);
    return since >= gap_ ? Ms(0) : gap_ - since;
}

std::optional<ReloadPacer::Ms> ReloadPacer::request(Clock::time_point now) {
    if (running_) {
        dirty_ = true;
        return std::nullopt;
    }
    if (scheduled_) return std::nullopt;
    scheduled_ = true;
    return delay(now);
}

void ReloadPacer::started(Clock::time_point now) {
    running_ = true;
    scheduled_ = false;
    dirty_ = false;
    ever_ = true;
    last_start_ = now;
}

std::optional<ReloadPacer::Ms> ReloadPacer::finished(Clock::time_point now) {
    running_ = false;
    if (!dirty_ || scheduled_) return std::nullopt;
    dirty_ = false;
    scheduled_ = true;
    return delay(now);
}

}  // namespace vce::approute
