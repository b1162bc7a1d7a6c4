// A sofia-sip event loop (su_root) in its own thread, with a thread-safe post().
// sofia-sip cannot be driven by libevent (its port fds are private), so each SIP thread
// runs su_root_run(); other threads hand it work as closures over values.
#pragma once

#include <sofia-sip/su_wait.h>

#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

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
    // Thread-safe; runs fn on the SIP thread.
    void post(std::function<void()> fn);
    su_root_t *root() const { return root_; }

private:
    static int on_wakeup(su_root_magic_t *, su_wait_t *w, su_wakeup_arg_t *arg);
    void drain();
    std::string name_;
    std::thread thread_;
    su_root_t *root_ = nullptr;
    int efd_ = -1;
    su_wait_t wait_[1];
    std::mutex mutex_;
    std::vector<std::function<void()>> queue_;
    bool running_ = false;
};

}  // namespace vce::sip
