// When a billable call asks for more time and when it ends (see CallCredit.h).
#include "CallCredit.h"

#include <algorithm>
#include <cstdlib>

namespace vce::sip {

CreditGrant CreditGrant::from_row(const std::string &verdict, const std::string &reason,
                                  const std::string &seconds, const std::string &final,
                                  std::string &refusal) {
    CreditGrant g;
    refusal.clear();
    if (verdict == "refuse") {
        refusal = reason.empty() ? "refused" : reason;
        return g;
    }
    if (verdict != "allow") {
        refusal = "unknown verdict '" + verdict + "'";
        return g;
    }
    if (seconds.empty()) return g;  // no limit
    char *end = nullptr;
    long s = std::strtol(seconds.c_str(), &end, 10);
    if (!end || *end || s < 0) {
        refusal = "bad seconds '" + seconds + "'";
        return g;
    }
    g.limited = true;
    g.seconds = static_cast<int>(s);
    g.final = final == "t" || final == "true";
    return g;
}

CreditStep credit_next_step(double answered, const CreditGrant &g) {
    const double end = answered + g.seconds;
    const double cut = end - std::min(kCreditCutLead, g.seconds / 2.0);
    if (g.final) return {CreditStep::Cut, cut};
    // Ask early enough for the answer to come back, never before the call started.
    const double ask = std::max(answered, end - std::min(kCreditAskLead, g.seconds / 3.0));
    return {CreditStep::Ask, ask};
}

}  // namespace vce::sip
