// The call time a billable call may last (sql/015_balances.sql: call_authorize grants it,
// call_extend adds to it): when to ask for more and when to end the call. A grant that is not
// final is topped up a little before it runs out; a final one ends the call just before its
// last paid second, so that the CDR's seconds (rounded up) never exceed what was reserved.
// Pure: times are passed in.
#pragma once

#include <string>

namespace vce::sip {

// What call_authorize said about one leg.
struct CreditGrant {
    bool limited = false;  // false: no limit (not metered, or free)
    bool paid = true;      // false: not money but the longest call allowed (max_call_seconds)
    int seconds = 0;       // call time granted from the answer on
    bool final = false;    // no more will be granted

    // From call_authorize's row (verdict, reason, seconds, final as PostgreSQL writes them);
    // `refusal` is set to the reason when the call may not be dialled.
    static CreditGrant from_row(const std::string &verdict, const std::string &reason,
                                const std::string &seconds, const std::string &final,
                                std::string &refusal);
};

struct CreditStep {
    enum Kind { Ask, Cut } kind = Cut;
    double at = 0;  // unix seconds
};

// Seconds before a grant runs out that we ask for more; and before its end that we cut.
constexpr double kCreditAskLead = 20.0;
constexpr double kCreditCutLead = 1.0;

// The next thing to do for a call answered at `answered` with this grant.
CreditStep credit_next_step(double answered, const CreditGrant &g);

}  // namespace vce::sip
