// A thread of its own that runs the closures posted to it, in order, through the project's
// WorkQueue (watched by poll()): for work that must not hold the core loop or a SIP thread,
// such as building a million-number routing snapshot or freeing the one it replaced.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "vce/WorkQueue.h"

namespace vce {

class WorkerThread {
public:
    // Starts the thread; `name` is shown by `core show threads`.
    explicit WorkerThread(std::string name);
    // Runs what is already queued, then stops the thread and waits for it; later posts are
    // refused. Owners make their queued closures do nothing once they are stopping.
    ~WorkerThread();
    WorkerThread(const WorkerThread &) = delete;
    WorkerThread &operator=(const WorkerThread &) = delete;

    // Any thread. False (fn destroyed unrun) once the thread is stopping.
    bool post(std::function<void()> fn);

private:
    void run();
    std::string name_;
    WorkQueue queue_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace vce
