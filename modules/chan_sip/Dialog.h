// One SIP dialog this box is a party to, UAC or UAS, on an nta leg of its own: sofia keeps its
// Call-ID, tags, CSeq, route set and remote target, so every request we send in it (ACK, BYE)
// is built one way, and the peer's requests in it reach the leg's callback. The UAC dialog of
// a fork we send (OutboundCall), the UAS dialog of a call we answered ourselves (a SIP caller
// bridged to a TDM trunk). SIP thread only.
#pragma once

#include <sofia-sip/nta.h>
#include <sofia-sip/sip.h>

#include <string>

#include "SofiaHandles.h"

namespace vce::sip {

class Dialog {
public:
    // UAC: a dialog for an INVITE we are about to send, with our tag. False if sofia
    // cannot make it.
    bool create_uac(nta_agent_t *agent, nta_request_f *callback, nta_leg_magic_t *magic,
                    const std::string &from, const std::string &to, const std::string &call_id);
    // UAC: the 2xx that establishes it (remote tag, route set, remote target). Once.
    void confirm(sip_t const *response);
    // UAS: the dialog of the INVITE `irq` that we are answering ourselves; the answer must
    // carry the tag this gives the transaction (call before the 2xx).
    bool create_uas(nta_agent_t *agent, nta_request_f *callback, nta_leg_magic_t *magic,
                    nta_incoming_t *irq, sip_t const *invite);

    // An INVITE in the dialog with the given sofia tags (ended by TAG_END()): the one that
    // sets a UAC dialog up, to `request_uri`, or a re-INVITE ("": to the remote target).
    template <class... Tags>
    OutgoingTx invite(nta_response_f *callback, nta_outgoing_magic_t *magic,
                      const std::string &request_uri, Tags... tags) {
        return OutgoingTx(nta_outgoing_tcreate(
            leg_.get(), callback, magic, hop(), SIP_METHOD_INVITE,
            request_uri.empty() ? nullptr
                                : reinterpret_cast<url_string_t const *>(request_uri.c_str()),
            tags...));
    }
    OutgoingTx ack();
    OutgoingTx bye(nta_response_f *callback, nta_outgoing_magic_t *magic);

    // Where our requests go instead of the remote target (a peer behind NAT: the address its
    // requests came from, "sip:ip:port"); empty: the route set and the remote target.
    void set_hop(std::string hop) { hop_ = std::move(hop); }
    bool established() const { return established_; }
    explicit operator bool() const { return leg_ != nullptr; }

private:
    url_string_t const *hop() const {
        return hop_.empty() ? nullptr : reinterpret_cast<url_string_t const *>(hop_.c_str());
    }
    DialogLeg leg_;
    std::string hop_;
    bool established_ = false;
};

}  // namespace vce::sip
