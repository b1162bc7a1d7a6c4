// The Engine's watch of how long answered calls may last (CreditWatch.h): a metered call's
// paid time (call_extend asked before it runs out) and max_call_seconds for any call, and the
// end of a call whose time is over: a BYE to both parties of a proxied call (ProxiedDialog),
// or the gateway leg hung up and a BYE to its caller.
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su_tag.h>

#include <algorithm>
#include <cstdlib>

#include "Engine.h"
#include "SipText.h"
#include "vce/Log.h"

namespace vce::sip {

std::unique_ptr<CreditWatch> Engine::watch_credit(const CallRecord &leg, const CreditGrant &grant) {
    if (!grant.limited) return nullptr;
    auto w = std::make_unique<CreditWatch>();
    w->engine = this;
    w->call_id = leg.call_id;
    w->leg = leg.leg;
    w->answered = leg.answered > 0 ? leg.answered : now_precise();
    w->grant = grant;
    arm_credit(*w);
    return w;
}

CreditWatch *Engine::credit_of(const std::string &call_id) {
    auto a = answered_.find(call_id);
    if (a != answered_.end()) return a->second.credit.get();
    auto g = gateway_.find(call_id);
    if (g != gateway_.end()) return g->second.credit.get();
    return nullptr;
}

void Engine::arm_credit(CreditWatch &w) {
    const CreditStep step = credit_next_step(w.answered, w.grant);
    const long ms = std::max(0L, static_cast<long>((step.at - now_precise()) * 1000));
    if (!w.timer.set(root(), ms, &Engine::on_credit_timer, &w))
        VCE_LOG_ERROR("SIP: call %s: no timer for its paid call time",
                      printable(w.call_id).c_str());
}

void Engine::on_credit_timer(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg) {
    auto *w = reinterpret_cast<CreditWatch *>(arg);
    w->engine->credit_due(*w);
}

void Engine::credit_due(CreditWatch &w) {
    w.timer.reset();
    if (credit_next_step(w.answered, w.grant).kind == CreditStep::Cut)
        return end_call_at_limit(w.call_id);
    if (w.asking) return;
    w.asking = true;
    const std::string call_id = w.call_id;
    const int leg = w.leg;
    query("SELECT seconds, final FROM call_extend($1, $2::int, $3::int)",
          {call_id, std::to_string(leg), std::to_string(cfg_.credit_quota)},
          [this, call_id, leg](SqlResult r) {
              CreditWatch *w = credit_of(call_id);
              if (!w || w->leg != leg) return;  // the call ended meanwhile
              w->asking = false;
              if (r.ok && !r.rows.empty() && r.rows[0].size() == 2 && r.rows[0][0]) {
                  w->grant.seconds = std::max(w->grant.seconds, std::atoi(r.rows[0][0]->c_str()));
                  w->grant.final = r.rows[0][1].value_or("t") != "f";
              } else {
                  // Without an answer the call ends where its paid time does.
                  VCE_LOG_WARNING("SIP: call %s: cannot extend its paid call time: %s",
                                  printable(call_id).c_str(), r.ok ? "no row" : r.error.c_str());
                  w->grant.final = true;
              }
              arm_credit(*w);
          });
}

void Engine::end_call_at_limit(const std::string &call_id) {
    // Why it ends: money (its paid time) or max_call_seconds.
    auto why = [](const CreditWatch *w) {
        const CreditGrant g = w ? w->grant : CreditGrant();
        return (g.paid ? "paid call time is over (" : "the longest call allowed is reached (") +
               std::to_string(g.seconds) + " s)";
    };
    auto g = gateway_.find(call_id);
    if (g != gateway_.end()) {
        VCE_LOG_NOTICE("SIP: call %s: %s: hanging up", printable(call_id).c_str(),
                       why(g->second.credit.get()).c_str());
        g->second.tech->hangup(g->second.handle);
        return end_gateway_from_far_end(call_id);
    }
    auto it = answered_.find(call_id);
    if (it == answered_.end()) return;
    AnsweredCall a = std::move(it->second);
    answered_.erase(it);
    VCE_LOG_NOTICE("SIP: call %s: %s: ending it", printable(call_id).c_str(),
                   why(a.credit.get()).c_str());
    close_cdr(a.cdr);
    const ProxiedDialog &d = a.dialog;
    if (d.empty()) return;
    // Each party gets a BYE as if from the other one, after the highest CSeq it has seen.
    const char *reason = a.credit && !a.credit->grant.paid
                             ? "Q.850;cause=16;text=\"the longest call allowed is reached\""
                             : "Q.850;cause=16;text=\"paid call time is over\"";
    send_bye(d.callee, d.caller_from, d.callee_to, d.caller_cseq + 1, d.call_id, reason);
    send_bye(d.caller, d.callee_to, d.caller_from, d.callee_cseq + 1, d.call_id, reason);
}

void Engine::send_bye(const ProxiedDialog::Party &to, const std::string &from,
                      const std::string &to_hdr, uint32_t cseq, const std::string &call_id,
                      const char *reason) {
    std::string routes;
    for (const std::string &r : to.routes) routes += (routes.empty() ? "" : ", ") + r;
    // Where it goes first: the NAT's address, else the first proxy, else the target.
    std::string first = !to.hop.empty() ? to.hop : !to.routes.empty() ? to.routes.front() : "";
    if (first.size() > 2 && first.front() == '<') first = first.substr(1, first.size() - 2);
    const std::string cs = std::to_string(cseq) + " BYE";
    OutgoingTx bye(nta_outgoing_tcreate(
        leg_, &Engine::on_closing_response, reinterpret_cast<nta_outgoing_magic_t *>(this),
        first.empty() ? nullptr : URL_STRING_MAKE(first.c_str()), SIP_METHOD_BYE,
        URL_STRING_MAKE(to.target.c_str()), SIPTAG_FROM_STR(from.c_str()),
        SIPTAG_TO_STR(to_hdr.c_str()), SIPTAG_CALL_ID_STR(call_id.c_str()),
        SIPTAG_CSEQ_STR(cs.c_str()), SIPTAG_MAX_FORWARDS_STR("70"),
        TAG_IF(!routes.empty(), SIPTAG_ROUTE_STR(routes.c_str())), SIPTAG_REASON_STR(reason),
        TAG_END()));
    if (!bye) {
        VCE_LOG_WARNING("SIP: call %s: cannot send BYE to %s", printable(call_id).c_str(),
                        printable(to.target).c_str());
        return;
    }
    nta_outgoing_t *orq = bye.get();
    closing_[orq] = Closing{Dialog(), std::move(bye)};
}

}  // namespace vce::sip
