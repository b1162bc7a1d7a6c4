// Stateful relay of non-INVITE and in-dialog requests.
#include "Relay.h"

#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_util.h>
#include <sofia-sip/su_tag.h>

#include "Engine.h"
#include "SipText.h"

namespace vce::sip {

Relay::Relay(Engine &e, nta_incoming_t *irq, Fallback on_failure)
    : e_(e), irq_(irq), fallback_(std::move(on_failure)) {}

Relay::~Relay() {
    for (Leg *l : legs_) {
        if (l->orq) nta_outgoing_destroy(l->orq);
        delete l;
    }
    if (best_) msg_destroy(best_);
    if (irq_) {
        if (!answered_) nta_incoming_treply(irq_, 408, "Request Timeout", TAG_END());
        nta_incoming_destroy(irq_);
    }
}

bool Relay::add_leg(msg_t *request, const std::string &next_hop) {
    auto *leg = new Leg{this, nullptr, false};
    leg->orq = nta_outgoing_mcreate(
        e_.agent(), &Relay::on_response, reinterpret_cast<nta_outgoing_magic_t *>(leg),
        next_hop.empty() ? nullptr : URL_STRING_MAKE(next_hop.c_str()), request, TAG_END());
    if (!leg->orq) {
        msg_destroy(request);
        delete leg;
        return false;
    }
    legs_.push_back(leg);
    return true;
}

void Relay::started() {
    if (legs_.empty()) {
        best_status_ = 480;
        answer_best();
    }
}

int Relay::on_response(nta_outgoing_magic_t *magic, nta_outgoing_t *, sip_t const *sip) {
    auto *leg = reinterpret_cast<Leg *>(magic);
    leg->relay->response(*leg, sip);
    return 0;
}

void Relay::response(Leg &leg, sip_t const *sip) {
    int status = sip ? sip->sip_status->st_status : 408;
    if (status < 200 || leg.done) return;
    leg.done = true;
    if (status < 300 && !answered_) {
        msg_t *m = copy_response(leg.orq);
        sip_via_remove(m, sip_object(m));
        nta_incoming_mreply(irq_, m);
        answered_ = true;
        if (on_final_) on_final_(status);
        for (Leg *l : legs_)
            if (!l->done && l->orq) nta_outgoing_cancel(l->orq), l->done = true;
        delete this;
        return;
    }
    if (!best_ || status > best_status_) {
        if (best_) msg_destroy(best_);
        best_ = copy_response(leg.orq);
        best_status_ = status;
    }
    for (Leg *l : legs_)
        if (!l->done) return;
    answer_best();
}

void Relay::answer_best() {
    if (!answered_ && fallback_ && fallback_(best_status_)) {
        answered_ = true;
        irq_ = nullptr;  // the fallback owns the answer now
    }
    if (!answered_) {
        if (best_) {
            msg_t *m = best_;
            best_ = nullptr;
            sip_via_remove(m, sip_object(m));
            nta_incoming_mreply(irq_, m);
        } else {
            nta_incoming_treply(irq_, best_status_ ? best_status_ : 480,
                                sip_status_phrase(best_status_ ? best_status_ : 480), TAG_END());
        }
        answered_ = true;
    }
    if (on_final_) on_final_(best_status_);
    delete this;
}

}  // namespace vce::sip
