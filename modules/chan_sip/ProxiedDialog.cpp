// The parties of a record-routed dialog, for the BYEs a proxy sends to end it.
#include "ProxiedDialog.h"

#include <sofia-sip/sip_header.h>
#include <sofia-sip/url.h>

#include <algorithm>
#include <cstring>

namespace vce::sip {

namespace {

std::string url_text(const url_t *u) {
    char buf[1024];
    isize_t n = url_e(buf, sizeof buf, u);
    return n > 0 && static_cast<size_t>(n) < sizeof buf ? std::string(buf) : std::string();
}

// "<uri>;tag=x" of a From or To header.
std::string address_with_tag(const sip_addr_t *a) {
    if (!a || !a->a_tag) return {};
    return "<" + url_text(a->a_url) + ">;tag=" + a->a_tag;
}

}  // namespace

bool ProxiedDialog::build(sip_t const *invite, sip_t const *answer,
                          const std::function<bool(const url_t *)> &is_self, std::string caller_hop,
                          std::string callee_hop) {
    if (!invite || !answer || !invite->sip_call_id || !invite->sip_contact ||
        !answer->sip_contact || !invite->sip_cseq)
        return false;
    caller_from = address_with_tag(invite->sip_from);
    callee_to = address_with_tag(answer->sip_to);
    if (caller_from.empty() || callee_to.empty()) return false;
    call_id = invite->sip_call_id->i_id;
    caller_cseq = invite->sip_cseq->cs_seq;
    caller.target = url_text(invite->sip_contact->m_url);
    callee.target = url_text(answer->sip_contact->m_url);
    caller.hop = std::move(caller_hop);
    callee.hop = std::move(callee_hop);
    // The 2xx's Record-Route lists the proxies from the callee's side down to the caller's,
    // us among them: those above our entry lie toward the callee (nearest to us last), those
    // below it toward the caller (nearest first).
    std::vector<std::string> above;
    bool seen_self = false;
    for (const sip_record_route_t *r = answer->sip_record_route; r; r = r->r_next) {
        if (!seen_self && is_self(r->r_url)) {
            seen_self = true;
            continue;
        }
        std::string entry = "<" + url_text(r->r_url) + ">";
        (seen_self ? caller.routes : above).push_back(entry);
    }
    if (!seen_self) above.clear();  // not record-routed through us: nothing to go by
    std::reverse(above.begin(), above.end());
    callee.routes = std::move(above);
    return true;
}

void ProxiedDialog::saw_request(sip_t const *request) {
    if (!request || !request->sip_cseq || !request->sip_from || !request->sip_from->a_tag) return;
    const uint32_t seq = request->sip_cseq->cs_seq;
    // The caller's requests carry its From tag; the callee's carry the tag of our To.
    const std::string tag = std::string(";tag=") + request->sip_from->a_tag;
    const bool from_caller =
        caller_from.size() > tag.size() &&
        caller_from.compare(caller_from.size() - tag.size(), tag.size(), tag) == 0;
    uint32_t &mine = from_caller ? caller_cseq : callee_cseq;
    mine = std::max(mine, seq);
}

}  // namespace vce::sip
