// su_root thread with an eventfd-driven work queue.
#include "SipLoop.h"

#include <sys/eventfd.h>
#include <unistd.h>

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
            efd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
            su_wait_create(wait_, efd_, SU_WAIT_IN);
            su_root_register(root_, wait_, &SipLoop::on_wakeup,
                             reinterpret_cast<su_wakeup_arg_t *>(this), 0);
            err = init(root_);
        }
        bool ok = err.empty();
        ready.set_value(err);
        if (ok) su_root_run(root_);
        drain();  // run what was posted before the break (e.g. stop's fini)
        if (root_) {
            su_root_unregister(root_, wait_, &SipLoop::on_wakeup,
                               reinterpret_cast<su_wakeup_arg_t *>(this));
            su_root_destroy(root_);
        }
        root_ = nullptr;
        if (efd_ >= 0) close(efd_);
        efd_ = -1;
        su_deinit();
        threads::leave();
    });
    std::string err = started.get();
    running_ = err.empty();
    if (!running_) thread_.join();
    return err;
}

void SipLoop::post(std::function<void()> fn) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        queue_.push_back(std::move(fn));
    }
    uint64_t one = 1;
    if (efd_ >= 0) (void)!write(efd_, &one, sizeof one);
}

int SipLoop::on_wakeup(su_root_magic_t *, su_wait_t *, su_wakeup_arg_t *arg) {
    auto *self = reinterpret_cast<SipLoop *>(arg);
    uint64_t n;
    (void)!read(self->efd_, &n, sizeof n);
    self->drain();
    return 0;
}

void SipLoop::drain() {
    for (;;) {
        std::vector<std::function<void()>> work;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            work.swap(queue_);
        }
        if (work.empty()) return;
        for (auto &fn : work) fn();
    }
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
