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
    legs_.clear();  // the relayed requests before the caller's (irq_ answers 500 if need be)
}

bool Relay::add_leg(msg_t *request, const std::string &next_hop) {
    MsgRef req(request);
    auto leg = std::make_unique<Leg>();
    leg->relay = this;
    leg->tx.reset(nta_outgoing_mcreate(
        e_.agent(), &Relay::on_response, reinterpret_cast<nta_outgoing_magic_t *>(leg.get()),
        next_hop.empty() ? nullptr : URL_STRING_MAKE(next_hop.c_str()), req.get(), TAG_END()));
    if (!leg->tx) return false;
    req.release();  // the transaction has it now
    legs_.add(std::move(leg));
    return true;
}

void Relay::started() {
    if (legs_.empty()) {
        legs_.set_best(480);
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
    if (status < 200 || !leg.pending() || finished_) return;
    if (status < 300) {
        legs_.record_final(leg, status);
        std::string from;
        MsgRef m(copy_response(leg.tx.get(), &from));
        if (m && on_answer_) on_answer_(m.get(), from);
        if (m) sip_via_remove(m.get(), sip_object(m.get()));
        irq_.forward(std::move(m), status);
        legs_.cancel_pending();
        return finish(status);
    }
    legs_.record_final(leg, status, MsgRef(copy_response(leg.tx.get())));
    if (legs_.all_final()) answer_best();
}

void Relay::answer_best() {
    const int best = legs_.best_status() ? legs_.best_status() : 480;
    if (fallback_ && fallback_(best)) {
        irq_.release();  // the fallback answers it now
    } else if (legs_.has_best_response()) {
        MsgRef m = legs_.take_best_response();
        sip_via_remove(m.get(), sip_object(m.get()));
        irq_.forward(std::move(m), best);
    } else {
        irq_.reply(best, nullptr, TAG_END());
    }
    finish(best);
}

void Relay::finish(int status) {
    finished_ = true;
    if (on_final_) on_final_(status);
    e_.end_relay(this);
}

}  // namespace vce::sip
