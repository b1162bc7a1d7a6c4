// vce::WorkQueue: closures behind a mutex, an eventfd as the wake-up.
#include "vce/WorkQueue.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace vce {

WorkQueue::WorkQueue() {
    fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd_ < 0)
        throw std::system_error(errno, std::generic_category(), "eventfd for a work queue");
}

WorkQueue::~WorkQueue() {
    close();
    ::close(fd_);
}

bool WorkQueue::post(std::function<void()> fn) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (closed_) return false;
        queue_.push_back(std::move(fn));
    }
    const uint64_t one = 1;
    (void)!write(fd_, &one, sizeof one);
    return true;
}

std::size_t WorkQueue::drain() {
    uint64_t n;
    (void)!read(fd_, &n, sizeof n);
    std::size_t ran = 0;
    for (;;) {
        std::vector<std::function<void()>> work;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            work.swap(queue_);
        }
        if (work.empty()) return ran;
        for (auto &fn : work) fn();
        ran += work.size();
    }
}

void WorkQueue::close() {
    std::vector<std::function<void()>> rest;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        closed_ = true;
        rest.swap(queue_);
    }
    rest.clear();  // outside the lock: a closure's captures may post as they are destroyed
}

bool WorkQueue::closed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return closed_;
}

std::size_t WorkQueue::pending() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return queue_.size();
}

}  // namespace vce
