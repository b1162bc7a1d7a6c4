// Owning handles for sofia-sip objects (the pattern of spandsp_glue/SpanDspHandles.h): each
// destroys its object when it goes, so no call code destroys a transaction, dialog, message
// or timer by hand. All of them live and die on the SIP thread that created the object.
#pragma once

#include <sofia-sip/msg.h>
#include <sofia-sip/nta.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_wait.h>

#include <memory>

namespace vce::sip {

struct OutgoingDelete {
    void operator()(nta_outgoing_t *o) const { nta_outgoing_destroy(o); }
};
struct LegDelete {
    void operator()(nta_leg_t *l) const { nta_leg_destroy(l); }
};
struct MsgDelete {
    void operator()(msg_t *m) const { msg_destroy(m); }
};

// A client transaction we sent (INVITE, ACK, BYE, a relayed request).
using OutgoingTx = std::unique_ptr<nta_outgoing_t, OutgoingDelete>;
// A dialog leg (nta_leg_t) of ours.
using DialogLeg = std::unique_ptr<nta_leg_t, LegDelete>;
// A reference to a message (a request we keep, a response we may forward later).
using MsgRef = std::unique_ptr<msg_t, MsgDelete>;

// A one-shot su_timer: set() arms it (again), reset() disarms it, destruction frees it.
class Timer {
public:
    Timer() = default;
    ~Timer() { reset(); }
    Timer(const Timer &) = delete;
    Timer &operator=(const Timer &) = delete;

    // Returns false when sofia cannot make a timer (no memory).
    bool set(su_root_t *root, long ms, su_timer_f fn, void *arg) {
        reset();
        t_ = su_timer_create(su_root_task(root), static_cast<su_duration_t>(ms));
        return t_ && su_timer_set(t_, fn, static_cast<su_timer_arg_t *>(arg)) == 0;
    }
    void reset() {
        if (t_) su_timer_destroy(t_);
        t_ = nullptr;
    }
    explicit operator bool() const { return t_ != nullptr; }

private:
    su_timer_t *t_ = nullptr;
};

// A server transaction we must answer. Dropped without a final answer, it answers
// 500 Server Internal Error itself, so no request is left unanswered by a code path that
// forgot it; release() hands the transaction to sofia's own answering (e.g. a stored
// message's 202 given elsewhere).
class IncomingTx {
public:
    IncomingTx() = default;
    explicit IncomingTx(nta_incoming_t *irq) : irq_(irq) {}
    ~IncomingTx() { drop(); }
    IncomingTx(IncomingTx &&o) noexcept : irq_(o.irq_), answered_(o.answered_) { o.irq_ = nullptr; }
    IncomingTx &operator=(IncomingTx &&o) noexcept {
        if (this != &o) {
            drop();
            irq_ = o.irq_, answered_ = o.answered_;
            o.irq_ = nullptr;
        }
        return *this;
    }
    IncomingTx(const IncomingTx &) = delete;
    IncomingTx &operator=(const IncomingTx &) = delete;

    nta_incoming_t *get() const { return irq_; }
    bool answered() const { return answered_; }
    explicit operator bool() const { return irq_ != nullptr; }

    // Answers with a status and sofia tags (end them with TAG_END()). A final status
    // (>= 200) is given once; later ones are ignored.
    template <class... Tags>
    void reply(int status, const char *phrase, Tags... tags) {
        if (!irq_ || answered_) return;
        nta_incoming_treply(irq_, status, phrase ? phrase : sip_status_phrase(status), tags...);
        if (status >= 200) answered_ = true;
    }
    // Answers with a prepared response message (taken over).
    void forward(MsgRef response, int status) {
        if (!irq_ || answered_ || !response) return;
        nta_incoming_mreply(irq_, response.release());
        if (status >= 200) answered_ = true;
    }
    // Someone else answers from now on: forget the transaction without answering it.
    nta_incoming_t *release() {
        nta_incoming_t *i = irq_;
        irq_ = nullptr;
        return i;
    }

private:
    void drop() {
        if (!irq_) return;
        if (!answered_) nta_incoming_treply(irq_, 500, "Server Internal Error", TAG_END());
        nta_incoming_destroy(irq_);
        irq_ = nullptr;
    }
    nta_incoming_t *irq_ = nullptr;
    bool answered_ = false;
};

}  // namespace vce::sip
