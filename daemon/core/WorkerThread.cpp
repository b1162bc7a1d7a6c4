// vce::WorkerThread: a poll() loop over one WorkQueue on a thread of its own.
#include "vce/WorkerThread.h"

#include <poll.h>

#include "vce/Threads.h"

namespace vce {

WorkerThread::WorkerThread(std::string name) : name_(std::move(name)), thread_([this] { run(); }) {}

WorkerThread::~WorkerThread() {
    stopping_ = true;
    queue_.post([] {});  // wakes the loop; refused (harmlessly) if already closed
    if (thread_.joinable()) thread_.join();
    queue_.close();
}

bool WorkerThread::post(std::function<void()> fn) {
    if (stopping_) return false;
    return queue_.post(std::move(fn));
}

void WorkerThread::run() {
    threads::enter(name_);
    while (!stopping_) {
        pollfd p{queue_.fd(), POLLIN, 0};
        if (poll(&p, 1, -1) < 0) continue;  // EINTR
        queue_.drain();
    }
    threads::leave();
}

}  // namespace vce
