// The one way to hand work to a thread: a locked queue of closures plus an eventfd that the
// owning thread's loop watches (libevent on the core thread, su_root on a SIP thread, poll()
// on the TDM thread) and answers by calling drain(). Closures carry values, never pointers
// to state another thread owns; a closure that touches an object is wrapped by that
// object's vce::Lifetime (Lifetime.h).
#pragma once

#include <functional>
#include <mutex>
#include <vector>

namespace vce {

class WorkQueue {
public:
    WorkQueue();   // throws std::system_error when no eventfd can be made
    ~WorkQueue();  // closures still queued are destroyed unrun
    WorkQueue(const WorkQueue &) = delete;
    WorkQueue &operator=(const WorkQueue &) = delete;

    // Readable while work is queued; the owner's loop watches it.
    int fd() const { return fd_; }
    // Any thread. Returns false (and destroys fn unrun) once the queue is closed.
    bool post(std::function<void()> fn);
    // Owning thread: runs what is queued, and what those closures post, until empty.
    // Returns the number of closures run.
    std::size_t drain();
    // Refuses further posts and destroys what is still queued, unrun (the owners of that
    // work may be gone: call drain() first for whatever must complete).
    void close();
    bool closed() const;
    std::size_t pending() const;

private:
    int fd_ = -1;
    mutable std::mutex mutex_;
    std::vector<std::function<void()>> queue_;
    bool closed_ = false;
};

}  // namespace vce
