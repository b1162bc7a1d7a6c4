// SIP dialogs on nta legs (see Dialog.h).
#include "Dialog.h"

#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_tag.h>

namespace vce::sip {

bool Dialog::create_uac(nta_agent_t *agent, nta_request_f *callback, nta_leg_magic_t *magic,
                        const std::string &from, const std::string &to,
                        const std::string &call_id) {
    leg_.reset(nta_leg_tcreate(agent, callback, magic, SIPTAG_FROM_STR(from.c_str()),
                               SIPTAG_TO_STR(to.c_str()), SIPTAG_CALL_ID_STR(call_id.c_str()),
                               TAG_END()));
    if (leg_ && !nta_leg_tag(leg_.get(), nullptr)) leg_.reset();
    return leg_ != nullptr;
}

void Dialog::confirm(sip_t const *response) {
    if (established_ || !leg_) return;
    if (response->sip_to && response->sip_to->a_tag)
        nta_leg_rtag(leg_.get(), response->sip_to->a_tag);
    nta_leg_client_reroute(leg_.get(), response->sip_record_route, response->sip_contact, 1);
    established_ = true;
}

bool Dialog::create_uas(nta_agent_t *agent, nta_request_f *callback, nta_leg_magic_t *magic,
                        nta_incoming_t *irq, sip_t const *invite) {
    // Our side is the INVITE's To, theirs its From (with their tag).
    leg_.reset(nta_leg_tcreate(agent, callback, magic, SIPTAG_CALL_ID(invite->sip_call_id),
                               SIPTAG_FROM(invite->sip_to), SIPTAG_TO(invite->sip_from),
                               NTATAG_REMOTE_CSEQ(invite->sip_cseq ? invite->sip_cseq->cs_seq : 0),
                               TAG_END()));
    // The tag the transaction answers with (the one its 18x carried, if any) is ours.
    char const *tag = leg_ ? nta_incoming_tag(irq, nullptr) : nullptr;
    if (!tag || !nta_leg_tag(leg_.get(), tag)) {
        leg_.reset();
        return false;
    }
    nta_leg_server_route(leg_.get(), invite->sip_record_route, invite->sip_contact);
    established_ = true;
    return true;
}

OutgoingTx Dialog::ack() {
    return OutgoingTx(nta_outgoing_tcreate(leg_.get(), nullptr, nullptr, hop(), SIP_METHOD_ACK,
                                           nullptr, TAG_END()));
}

OutgoingTx Dialog::bye(nta_response_f *callback, nta_outgoing_magic_t *magic) {
    if (!established_) return nullptr;
    return OutgoingTx(nta_outgoing_tcreate(leg_.get(), callback, magic, hop(), SIP_METHOD_BYE,
                                           nullptr, TAG_END()));
}

}  // namespace vce::sip
