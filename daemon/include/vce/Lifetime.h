// A token held by an object that posts closures to other threads' queues: guard(fn) gives a
// closure that does nothing once the holder is gone, so no posted work runs on a destroyed
// object. Destruction waits for a guarded closure that is running on another thread.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <utility>

namespace vce {

class Lifetime {
public:
    Lifetime() : state_(std::make_shared<State>()) {}
    // Ends the lifetime: later guarded closures are skipped; one running on another thread
    // is waited for (a closure running on this thread may destroy its own holder).
    ~Lifetime() { end(); }
    Lifetime(const Lifetime &) = delete;
    Lifetime &operator=(const Lifetime &) = delete;

    // Call first thing in the holder's destructor when its members are used by guarded
    // closures, so none runs while the members are being torn down. Idempotent.
    void end() {
        std::lock_guard<std::recursive_mutex> lock(state_->mutex);
        state_->alive = false;
    }

    // Any thread. The closure may be run on any thread, any number of times; it takes the
    // arguments fn takes (a database callback's result, say) and returns nothing.
    template <class F>
    auto guard(F fn) const {
        return [state = state_, fn = std::move(fn)](auto &&...args) mutable {
            std::lock_guard<std::recursive_mutex> lock(state->mutex);
            if (state->alive) fn(std::forward<decltype(args)>(args)...);
        };
    }

private:
    struct State {
        std::recursive_mutex mutex;
        bool alive = true;
    };
    std::shared_ptr<State> state_;
};

}  // namespace vce
