// The core loop's stall watch: a timer every few milliseconds measures how late it runs.
#include "core/LoopStall.h"

#include <cstdio>
#include <stdexcept>

namespace vce {

void LoopStalls::tick(Us interval, Us elapsed, Clock::time_point now) {
    ++ticks_;
    Us late = elapsed > interval ? elapsed - interval : Us{0};
    if (late > longest_) {
        longest_ = late;
        longest_at_ = now;
    }
    if (late >= std::chrono::milliseconds(10)) ++over_10ms_;
    if (late >= std::chrono::milliseconds(100)) ++over_100ms_;
    if (late >= std::chrono::seconds(1)) ++over_1s_;
}

void LoopStalls::reset() {
    *this = LoopStalls{};
}

LoopStallWatch::LoopStallWatch(event_base *base, LoopStalls::Us interval) : interval_(interval) {
    ev_ = event_new(base, -1, EV_PERSIST, on_tick, this);
    if (!ev_) throw std::runtime_error("cannot create the loop stall timer");
    timeval tv{static_cast<time_t>(interval.count() / 1000000),
               static_cast<suseconds_t>(interval.count() % 1000000)};
    last_ = since_ = LoopStalls::Clock::now();
    event_add(ev_, &tv);
}

LoopStallWatch::~LoopStallWatch() {
    if (ev_) event_free(ev_);
}

void LoopStallWatch::on_tick(evutil_socket_t, short, void *arg) {
    auto *self = static_cast<LoopStallWatch *>(arg);
    auto now = LoopStalls::Clock::now();
    self->stalls_.tick(self->interval_,
                       std::chrono::duration_cast<LoopStalls::Us>(now - self->last_), now);
    self->last_ = now;
}

void LoopStallWatch::reset() {
    stalls_.reset();
    since_ = LoopStalls::Clock::now();
}

std::string LoopStallWatch::show() const {
    auto now = LoopStalls::Clock::now();
    auto secs = [&](LoopStalls::Clock::time_point t) {
        return std::chrono::duration_cast<std::chrono::seconds>(now - t).count();
    };
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "core loop: checked every %.1f ms for %lld s (%llu ticks)\n"
                  "longest stall: %.1f ms%s\n"
                  "stalls of 10 ms or more: %llu, 100 ms or more: %llu, 1 s or more: %llu\n",
                  interval_.count() / 1000.0, static_cast<long long>(secs(since_)),
                  static_cast<unsigned long long>(stalls_.ticks()),
                  stalls_.longest().count() / 1000.0,
                  stalls_.longest().count() > 0
                      ? (" (" + std::to_string(secs(stalls_.longest_at())) + " s ago)").c_str()
                      : "",
                  static_cast<unsigned long long>(stalls_.over_10ms()),
                  static_cast<unsigned long long>(stalls_.over_100ms()),
                  static_cast<unsigned long long>(stalls_.over_1s()));
    return buf;
}

}  // namespace vce
