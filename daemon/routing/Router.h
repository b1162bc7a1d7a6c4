// Routing decisions over a Snapshot, in the seed's order (S410-S470). No I/O.
#pragma once

#include <string>
#include <string_view>

#include "numplan/Number.h"
#include "routing/Alternatives.h"
#include "routing/Decision.h"
#include "routing/Snapshot.h"

namespace vce::routing {

// Order: an account username dialled exactly -> its phones; parse the number; an alias ->
// the member's number; our PIN -> the owner's phones here, or the centre of the PIN's
// country when that is another centre; VNS base#cc -> the company's branch in cc (here or
// at cc's centre); a VNS base alone -> the branch in the caller's country; another
// carrier's range (longest prefix) -> that carrier's centre; PSTN -> a trunk group of the
// number's country (or that country's centre). Nothing fits -> cause + SIP status.
// Never throws for bad input; the Decision says what was wrong.
//
// What a route takes into account beyond the snapshot (both optional).
struct RouteConditions {
    const HostHealth *health = nullptr;  // centres that stopped answering are skipped
    uint64_t spread = 0;                 // a call counter: weight spreads calls by it
};

// A country's several centres, or several trunk groups, give the Decision its alternatives
// (Alternatives.h: priority, weight, health); `target` is the first.
//
// One Router per thread: it keeps scratch space so that routing into a reused Decision
// allocates nothing for the common cases.
class Router {
public:
    // dialled: as received (${EXTEN}, a SIP user part, an alias). caller: the caller's
    // account or number (may be empty); its country picks a VNS base's branch.
    // home_country: three-digit code for national numbers; empty = this centre's country.
    // trace: when non-null, each step is appended in words.
    void route(const Snapshot &snap, std::string_view dialled, std::string_view caller,
               std::string_view home_country, Decision &out, Trace *trace = nullptr,
               const RouteConditions &when = {});
    Decision route(const Snapshot &snap, std::string_view dialled, std::string_view caller = {},
                   std::string_view home_country = {}, Trace *trace = nullptr,
                   const RouteConditions &when = {});

private:
    void route_number(const Snapshot &snap, const numplan::Number &n,
                      std::string_view caller_country, std::string_view home, Decision &out,
                      Trace *trace);
    void route_owned(const Snapshot &snap, const Snapshot::Owned &rec, std::string_view key,
                     std::string_view country, RouteClass here, Decision &out, Trace *trace);
    void route_pstn(const Snapshot &snap, std::string_view e164, std::string_view country,
                    Decision &out, Trace *trace);
    // The ways to an E.164 number's PSTN, ordered into alts_; false if none.
    bool pstn_routes(const Snapshot &snap, std::string_view e164, Trace *trace);
    // The first PSTN route for an E.164 number into `out` (a fallback); false if none.
    bool pstn_route(const Snapshot &snap, std::string_view e164, std::string &out, Trace *trace);
    // The country's centres other than this one, ordered into alts_, each SIP/<host>/<user>.
    bool centre_routes(const Snapshot &snap, std::string_view country, std::string_view user,
                       Trace *trace);
    // Orders alts_ (priority, weight, health), noting skipped ones in the trace.
    void order(Trace *trace);
    // alts_ -> out.target and out.alternatives.
    void take_alternatives(Decision &out) const;
    void fail(Decision &out, int status, const char *cause, std::string reason, Trace *trace);

    RouteConditions when_;
    std::vector<Alternative> alts_;
    numplan::Number number_, alias_number_;
    std::string error_, key_;
    char caller_cc_[3] = {};
};

}  // namespace vce::routing
