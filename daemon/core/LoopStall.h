// How long the core thread's loop was kept from running its events: a timer that should fire
// every `interval` is late by however long something on the loop held it (a slow callback, a
// large result set converted on the loop). LoopStalls is the pure count (times passed in);
// LoopStallWatch is the timer on the core loop; `vcectl core show loop` reads them.
#pragma once

#include <event2/event.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace vce {

class LoopStalls {
public:
    using Clock = std::chrono::steady_clock;
    using Us = std::chrono::microseconds;

    // One tick of a timer armed `interval` ago that ran after `elapsed`.
    void tick(Us interval, Us elapsed, Clock::time_point now);
    void reset();

    Us longest() const { return longest_; }
    Clock::time_point longest_at() const { return longest_at_; }
    std::uint64_t ticks() const { return ticks_; }
    std::uint64_t over_10ms() const { return over_10ms_; }
    std::uint64_t over_100ms() const { return over_100ms_; }
    std::uint64_t over_1s() const { return over_1s_; }

private:
    Us longest_{0};
    Clock::time_point longest_at_{};
    std::uint64_t ticks_ = 0, over_10ms_ = 0, over_100ms_ = 0, over_1s_ = 0;
};

// Core thread only: created, ticking and destroyed there.
class LoopStallWatch {
public:
    LoopStallWatch(event_base *base, LoopStalls::Us interval);
    ~LoopStallWatch();
    LoopStallWatch(const LoopStallWatch &) = delete;
    LoopStallWatch &operator=(const LoopStallWatch &) = delete;

    // The figures in words, for `core show loop`.
    std::string show() const;
    void reset();

private:
    static void on_tick(evutil_socket_t, short, void *arg);
    LoopStalls::Us interval_;
    LoopStalls stalls_;
    LoopStalls::Clock::time_point last_, since_;
    event *ev_ = nullptr;
};

}  // namespace vce
