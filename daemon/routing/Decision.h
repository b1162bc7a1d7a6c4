// The outcome of routing one dialled number, and the optional step-by-step trace of it.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace vce::routing {

enum class RouteClass {
    None,          // nothing fits: see cause / sip_status
    Local,         // dialled an account username: its registered phones
    OwnNumber,     // one of our numbers served here: the owner's registered phones
    VnsBranch,     // a company's branch served here
    RemoteCentre,  // our number (or a PSTN number) served by another country's centre
    Carrier,       // another carrier's VoIP number: that carrier's centre
    Pstn,          // out through a TDM trunk group of the number's country
};

const char *class_name(RouteClass c);  // "local", "own-number", "vns-branch", ...

struct Decision {
    RouteClass cls = RouteClass::None;
    // SIP/<account>, SIP/<host:port>/<user> or TDM/<group>/<number>.
    std::string target;
    // The targets to try after `target` when it fails (the country's other centres, the other
    // trunk groups), best first; the same route class as `target`. Empty for one way only.
    std::vector<std::string> alternatives;
    // A PSTN route for the member's contactable number or the dialled PSTN number, to try
    // when the target does not answer; empty if none.
    std::string pstn_fallback;
    std::string pstn_number;  // the E.164 number that PSTN route dials ("+82262006200")
    // When nothing fits: a token ("unassigned", "incomplete", "unknown-alias", "no-branch",
    // "no-route", "forbidden", "unavailable", "invalid") and a sentence for a person.
    std::string cause;
    std::string reason;
    int sip_status = 0;     // 0 when routed; else 404, 484, 403, 480, 503
    std::string canonical;  // the canonical number routed (an alias's number once resolved)
    std::string alias;      // the alias dialled, when the number came from one
    double rate = -1;       // per-minute rate for PSTN and carrier calls; -1 when none

    bool ok() const { return sip_status == 0; }
    // Every target in order: `target`, then the alternatives (empty when refused).
    size_t target_count() const { return target.empty() ? 0 : 1 + alternatives.size(); }
    // ROUTE_TARGET, ROUTE_CLASS, ROUTE_PSTN, ROUTE_PSTN_NUMBER, ROUTE_CAUSE, ROUTE_STATUS,
    // ROUTE_REASON, ROUTE_NUMBER, ROUTE_ALIAS: the channel variables the dialplan uses; and
    // the alternatives: ROUTE_TARGETS (how many), ROUTE_TARGET_1 (= ROUTE_TARGET) to
    // ROUTE_TARGET_<n>, ROUTE_TRY = 1 (the one dialled first; RouteNext() counts on).
    std::map<std::string, std::string> variables() const;
};

// Steps of a decision in words, for `vcectl route test NUMBER [--from CALLER]`.
struct Trace {
    std::vector<std::string> steps;
    void add(std::string step) { steps.push_back(std::move(step)); }
    std::string text() const;  // numbered lines
};

}  // namespace vce::routing
