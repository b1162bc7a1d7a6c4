// su_root thread with a vce::WorkQueue as its inbox.
#include "SipLoop.h"

#include <future>

#include "vce/Threads.h"

namespace vce::sip {

SipLoop::SipLoop(std::string name) : name_(std::move(name)) {}

SipLoop::~SipLoop() {
    if (running_) stop(nullptr);
}

std::string SipLoop::start(std::function<std::string(su_root_t *)> init) {
    std::promise<std::string> ready;
    auto started = ready.get_future();
    thread_ = std::thread([this, init, &ready] {
        threads::enter(name_);
        su_init();
        root_ = su_root_create(nullptr);
        std::string err;
        if (!root_) err = "cannot create the sofia-sip root";
        if (err.empty()) {
            su_root_threading(root_, 0);
            su_wait_create(wait_, queue_.fd(), SU_WAIT_IN);
            su_root_register(root_, wait_, &SipLoop::on_wakeup,
                             reinterpret_cast<su_wakeup_arg_t *>(this), 0);
            err = init(root_);
        }
        bool ok = err.empty();
        ready.set_value(err);
        if (ok) su_root_run(root_);
        queue_.drain();  // run what was posted before the break (e.g. stop's fini)
        queue_.close();  // later posts have no thread to run them
        if (root_) {
            su_root_unregister(root_, wait_, &SipLoop::on_wakeup,
                               reinterpret_cast<su_wakeup_arg_t *>(this));
            su_root_destroy(root_);
        }
        root_ = nullptr;
        su_deinit();
        threads::leave();
    });
    std::string err = started.get();
    running_ = err.empty();
    if (!running_) thread_.join();
    return err;
}

bool SipLoop::post(std::function<void()> fn) {
    return queue_.post(std::move(fn));
}

int SipLoop::on_wakeup(su_root_magic_t *, su_wait_t *, su_wakeup_arg_t *arg) {
    reinterpret_cast<SipLoop *>(arg)->queue_.drain();
    return 0;
}

void SipLoop::stop(std::function<void()> fini) {
    if (!running_) return;
    post([this, fini] {
        if (fini) fini();
        su_root_break(root_);
    });
    thread_.join();
    running_ = false;
}

}  // namespace vce::sip
