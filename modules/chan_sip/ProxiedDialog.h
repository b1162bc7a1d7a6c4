// What a proxy must remember of a dialog it record-routed to end it itself (a billable call
// whose paid time is over): both parties' tags, targets and route sets, and the highest CSeq
// each has used, so that the BYE we send each party looks like one from the other party.
// Built from the caller's INVITE and the callee's 2xx; the BYEs are sent by the Engine.
#pragma once

#include <sofia-sip/sip.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace vce::sip {

struct ProxiedDialog {
    // One party as the target of a request from us.
    struct Party {
        std::string target;               // its Contact (the Request-URI of our BYE)
        std::string hop;                  // where to send instead ("sip:ip:port" behind NAT)
        std::vector<std::string> routes;  // proxies between us and it, nearest first
    };
    std::string call_id;
    std::string caller_from, callee_to;  // "<sip:...>;tag=..." as in the dialog
    uint32_t caller_cseq = 0;            // highest CSeq the caller used
    uint32_t callee_cseq = 0;            // highest CSeq the callee used (0: none yet)
    Party caller, callee;

    // From the caller's INVITE and the callee's 2xx to it (both as we received them).
    // `is_self`: whether a Record-Route entry is ours. False when either lacks what a dialog
    // needs (tags, Contact).
    bool build(sip_t const *invite, sip_t const *answer,
               const std::function<bool(const url_t *)> &is_self, std::string caller_hop,
               std::string callee_hop);
    // A request inside the dialog passed through us: keep the parties' CSeq numbers.
    void saw_request(sip_t const *request);
    bool empty() const { return call_id.empty(); }
};

}  // namespace vce::sip
