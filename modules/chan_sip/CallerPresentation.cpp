// The caller as the far end sees it (see CallerPresentation.h).
#include "CallerPresentation.h"

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_extra.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su_tag.h>
#include <strings.h>

#include <cstring>

namespace vce::sip {

CallerView caller_view(const CallerFacts &f) {
    CallerView v;
    v.anonymous = f.privacy;
    if (f.to_peer && f.member && !f.privacy) v.from_user = f.number_in_form;
    if (f.to_peer && f.peer_asserted) {
        if (f.member)
            v.asserted = f.number_in_form;  // we vouch for who authenticated
        else
            v.keep_received = f.source_asserted;  // a trusted peer's, passed on as it said
    }
    return v;
}

bool privacy_requested(const sip_t *sip) {
    // Sofia folds every Privacy header of a request into one list of values.
    const sip_privacy_t *p = sip ? sip->sip_privacy : nullptr;
    for (int i = 0; p && p->priv_values && p->priv_values[i]; ++i) {
        const char *t = p->priv_values[i];
        if (!strcasecmp(t, "id") || !strcasecmp(t, "user") || !strcasecmp(t, "header")) return true;
    }
    return false;
}

namespace {
// Every header of that name: sofia parses P-Asserted-Identity and P-Preferred-Identity only
// when its extra headers are registered, else they are unknown headers.
void remove_named(msg_t *msg, sip_t *sip, const char *name) {
    for (sip_unknown_t *u = sip->sip_unknown; u;) {
        sip_unknown_t *next = u->un_next;
        if (u->un_name && strcasecmp(u->un_name, name) == 0)
            msg_header_remove(msg, reinterpret_cast<msg_pub_t *>(sip),
                              reinterpret_cast<msg_header_t *>(u));
        u = next;
    }
    const bool pai = strcasecmp(name, "P-Asserted-Identity") == 0;
    for (;;) {
        msg_header_t *h = pai ? reinterpret_cast<msg_header_t *>(sip_p_asserted_identity(sip))
                              : reinterpret_cast<msg_header_t *>(sip_p_preferred_identity(sip));
        if (!h) break;
        msg_header_remove(msg, reinterpret_cast<msg_pub_t *>(sip), h);
    }
}

// From with another address, keeping the caller's tag (the dialog's identity).
void replace_from(msg_t *msg, sip_t *sip, const std::string &address) {
    if (!sip->sip_from) return;
    std::string text = address;
    if (sip->sip_from->a_tag) text += std::string(";tag=") + sip->sip_from->a_tag;
    sip_from_t *f = sip_from_make(msg_home(msg), text.c_str());
    if (f)
        msg_header_replace(msg, reinterpret_cast<msg_pub_t *>(sip),
                           reinterpret_cast<msg_header_t *>(sip->sip_from),
                           reinterpret_cast<msg_header_t *>(f));
}
}  // namespace

void present_caller(msg_t *msg, sip_t *sip, const CallerView &v, const std::string &domain) {
    if (!v.keep_received) remove_named(msg, sip, "P-Asserted-Identity");
    // P-Preferred-Identity is a request to us, never passed on (RFC 3325 §6).
    remove_named(msg, sip, "P-Preferred-Identity");
    if (!v.asserted.empty()) {
        const std::string pai =
            "P-Asserted-Identity: <sip:" + v.asserted + "@" + domain + ";user=phone>";
        sip_add_tl(msg, sip, SIPTAG_HEADER_STR(pai.c_str()), TAG_END());
    }
    if (v.anonymous)
        replace_from(msg, sip, "\"Anonymous\" <sip:anonymous@anonymous.invalid>");
    else if (!v.from_user.empty())
        replace_from(
            msg, sip,
            (sip->sip_from && sip->sip_from->a_display ? std::string(sip->sip_from->a_display) + " "
                                                       : std::string()) +
                "<sip:" + v.from_user + "@" + domain + ">");
}

}  // namespace vce::sip
