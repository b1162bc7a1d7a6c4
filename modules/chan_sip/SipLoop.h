// A sofia-sip event loop (su_root) in its own thread, with a thread-safe post().
// sofia-sip cannot be driven by libevent (its port fds are private), so each SIP thread
// runs su_root_run(); other threads hand it work as closures over values through the
// project's one work queue (vce::WorkQueue), whose eventfd the root watches.
#pragma once

#include <sofia-sip/su_wait.h>

#include <functional>
#include <string>
#include <thread>

#include "vce/WorkQueue.h"

namespace vce::sip {

class SipLoop {
public:
    explicit SipLoop(std::string name);
    ~SipLoop();  // stop() if still running
    SipLoop(const SipLoop &) = delete;
    SipLoop &operator=(const SipLoop &) = delete;

    // Starts the thread; `init` runs inside it with the root before the loop starts and
    // returns an error message ("" = fine). start() waits for init and returns its result.
    std::string start(std::function<std::string(su_root_t *)> init);
    // Runs `fini` inside the thread, then ends the loop and joins.
    void stop(std::function<void()> fini);
    // Thread-safe; runs fn on the SIP thread. Once the thread has ended fn is destroyed
    // unrun and false is returned.
    bool post(std::function<void()> fn);
    su_root_t *root() const { return root_; }

private:
    static int on_wakeup(su_root_magic_t *, su_wait_t *w, su_wakeup_arg_t *arg);
    std::string name_;
    std::thread thread_;
    su_root_t *root_ = nullptr;
    su_wait_t wait_[1];
    WorkQueue queue_;
    bool running_ = false;
};

}  // namespace vce::sip
