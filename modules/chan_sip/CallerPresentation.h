// What the far end of a forwarded INVITE sees of the caller (seed 003 S450, RFC 3323/3325):
// toward a peer (a carrier, a SIP trunk, another centre) a member's number in the form that
// peer expects; P-Asserted-Identity only toward peers in our trust domain, and only the one we
// vouch for (a member's) or one a trusted peer sent; anonymous From when the caller asked for
// privacy. caller_view() decides (pure); present_caller() rewrites the message.
#pragma once

#include <sofia-sip/sip.h>

#include <string>

namespace vce::sip {

struct CallerView {
    bool anonymous = false;      // From becomes "Anonymous" <sip:anonymous@anonymous.invalid>
    std::string from_user;       // the number From carries instead of the caller's ("": as is)
    std::string asserted;        // the number of a P-Asserted-Identity we add ("": none)
    bool keep_received = false;  // the P-Asserted-Identity the caller's INVITE had stays
};

struct CallerFacts {
    bool privacy = false;          // the INVITE asked for it (Privacy: id, user or header)
    bool member = false;           // the caller authenticated as a member
    std::string number_in_form;    // its number as the destination expects it ("": none)
    bool source_asserted = false;  // the INVITE came from a peer in our trust domain
    bool to_peer = false;          // the fork goes to a peer's host (not a member's phone)
    bool peer_asserted = false;    // that peer is in our trust domain
};

CallerView caller_view(const CallerFacts &f);

// Whether a Privacy header value asks to hide the caller ("id", "user", "header"; not "none").
bool privacy_requested(const sip_t *sip);

// Applies the view to a copy of the INVITE we are about to forward; `domain` is ours (the
// host of the From and P-Asserted-Identity we write).
void present_caller(msg_t *msg, sip_t *sip, const CallerView &v, const std::string &domain);

}  // namespace vce::sip
