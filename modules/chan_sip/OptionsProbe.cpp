// chan_sip: one OPTIONS with a silence deadline (see OptionsProbe.h).
#include "OptionsProbe.h"

#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>

#include <algorithm>

#include "Engine.h"
#include "vce/Log.h"

namespace vce::sip {

OptionsProbe::OptionsProbe(Engine &engine, std::string call_id, std::string from_uri,
                           std::string from_tag)
    : engine_(engine), call_id_(std::move(call_id)), from_("<" + from_uri + ">;tag=" + from_tag) {}

void OptionsProbe::send(const std::string &hop, const std::string &request_uri, int silence_ms,
                        std::function<void(bool answered)> done) {
    cancel();
    done_ = std::move(done);
    to_ = "<" + request_uri + ">";
    const std::string cseq = std::to_string(++cseq_) + " OPTIONS";
    tx_.reset(nta_outgoing_tcreate(
        engine_.default_leg(), &OptionsProbe::on_answer,
        reinterpret_cast<nta_outgoing_magic_t *>(this), URL_STRING_MAKE(hop.c_str()),
        SIP_METHOD_OPTIONS, URL_STRING_MAKE(request_uri.c_str()), SIPTAG_TO_STR(to_.c_str()),
        SIPTAG_FROM_STR(from_.c_str()), SIPTAG_CALL_ID_STR(call_id_.c_str()),
        SIPTAG_CSEQ_STR(cseq.c_str()), SIPTAG_MAX_FORWARDS_STR("70"), SIPTAG_USER_AGENT_STR("vced"),
        TAG_END()));
    waiting_ = true;
    // Not sent at all counts as unanswered too: the deadline reports it.
    if (!silence_.set(engine_.root(), std::max(silence_ms, 1), &OptionsProbe::on_silence, this))
        VCE_LOG_ERROR("SIP: cannot set the OPTIONS deadline for %s", hop.c_str());
}

void OptionsProbe::cancel() {
    waiting_ = false;
    silence_.reset();
    tx_.reset();  // stops its retransmissions
    done_ = nullptr;
}

int OptionsProbe::on_answer(nta_outgoing_magic_t *magic, nta_outgoing_t *orq, sip_t const *sip) {
    auto *p = reinterpret_cast<OptionsProbe *>(magic);
    if (p->tx_.get() != orq || !p->waiting_) return 0;
    const int status = sip && sip->sip_status ? sip->sip_status->st_status : 408;
    if (status < 200) return 0;
    p->spent_ = std::move(p->tx_);  // not destroyed inside its own callback
    p->finish(status != 408 && status != 503);
    return 0;
}

void OptionsProbe::on_silence(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg) {
    auto *p = reinterpret_cast<OptionsProbe *>(arg);
    p->tx_.reset();  // stops its retransmissions
    p->finish(false);
}

void OptionsProbe::finish(bool answered) {
    waiting_ = false;
    silence_.reset();
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) done(answered);  // may send the next probe
}

}  // namespace vce::sip
