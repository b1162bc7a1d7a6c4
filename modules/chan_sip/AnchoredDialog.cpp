// Engine, SIP thread: re-INVITE and UPDATE (hold, resume, a new address) of an answered call
// whose media is anchored at the media relay: the offer and its answer rewritten as at setup.
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>

#include <optional>

#include "Engine.h"
#include "MediaRelayConfig.h"
#include "SdpBody.h"
#include "SipText.h"
#include "vce/Log.h"

namespace vce::sip {

void Engine::media_anchored(const std::string &call_id, std::string caller_tag) {
    auto it = answered_.find(call_id);
    if (it != answered_.end()) it->second.media_caller_tag = std::move(caller_tag);
}

namespace {
std::optional<MediaResult> relay_now(MediaRelayService &relay, MediaRequest q, bool offer) {
    std::optional<MediaResult> res;
    auto done = [&res](MediaResult r) { res = std::move(r); };
    if (offer)
        relay.offer(std::move(q), done);
    else
        relay.answer(std::move(q), done);
    return res;
}
}  // namespace

Relay::AnswerHook Engine::anchor_in_dialog(nta_incoming_t *irq, sip_t const *sip, msg_t *fwd,
                                           const Source &src, bool &refused) {
    refused = false;
    const sip_method_t m = sip->sip_request->rq_method;
    MediaRelayService *relay = media_relay();
    if ((m != sip_method_invite && m != sip_method_update) || !relay || !sip->sip_call_id)
        return nullptr;
    const std::string call_id = sip->sip_call_id->i_id;
    auto it = answered_.find(call_id);
    if (it == answered_.end() || it->second.media_caller_tag.empty()) return nullptr;
    const bool from_caller = sip->sip_from && sip->sip_from->a_tag &&
                             it->second.media_caller_tag == sip->sip_from->a_tag;
    const MediaSide side = from_caller ? MediaSide::Caller : MediaSide::Callee;
    const MediaSide other = from_caller ? MediaSide::Callee : MediaSide::Caller;
    // An offer in the request: rewritten now. (One without an offer gets its offer in the 2xx
    // and the answer in the ACK, which is not anchored yet.)
    const std::string offer = sdp_body(sip);
    if (offer.empty()) return nullptr;
    MediaRequest q;
    q.call_id = call_id;
    q.side = side;
    q.sdp = offer;
    q.source_ip = src.ip;
    q.natted = sdp_behind_nat(offer, src.ip);
    const std::optional<MediaResult> res = relay_now(*relay, std::move(q), true);
    if (!res || res->status != 200 || !set_sdp_body(fwd, res->sdp)) {
        const int status = res && res->status != 200 ? res->status : 500;
        const std::string why =
            warning_text(res ? res->reason : "the media relay did not answer at once");
        VCE_LOG_NOTICE("SIP: call %s: in-dialog offer refused by the media relay: %d %s",
                       printable(call_id).c_str(), status, why.c_str());
        const std::string warning = "399 vce \"" + why + "\"";
        msg_destroy(fwd);
        nta_incoming_treply(irq, status, sip_status_phrase(status),
                            SIPTAG_WARNING_STR(warning.c_str()), TAG_END());
        nta_incoming_destroy(irq);
        refused = true;
        return nullptr;
    }
    return [this, call_id, other](msg_t *answer, const std::string &source) {
        MediaRelayService *r = media_relay();
        const std::string sdp = sdp_body(sip_object(answer));
        if (!r || sdp.empty()) return;
        MediaRequest a;
        a.call_id = call_id;
        a.side = other;
        a.sdp = sdp;
        a.source_ip = uri_host(source);
        a.natted = sdp_behind_nat(sdp, a.source_ip);
        const std::optional<MediaResult> res = relay_now(*r, std::move(a), false);
        if (res && res->status == 200 && set_sdp_body(answer, res->sdp)) return;
        VCE_LOG_WARNING("SIP: call %s: an in-dialog SDP answer was not relayed: %s",
                        printable(call_id).c_str(),
                        res ? warning_text(res->reason).c_str() : "no answer from the relay");
    };
}

}  // namespace vce::sip
