// Routing decisions over a Snapshot, in the seed's order (S410-S470). No I/O.
#pragma once

#include <string>
#include <string_view>

#include "numplan/Number.h"
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
// One Router per thread: it keeps scratch space so that routing into a reused Decision
// allocates nothing for the common cases.
class Router {
public:
    // dialled: as received (${EXTEN}, a SIP user part, an alias). caller: the caller's
    // account or number (may be empty); its country picks a VNS base's branch.
    // home_country: three-digit code for national numbers; empty = this centre's country.
    // trace: when non-null, each step is appended in words.
    void route(const Snapshot &snap, std::string_view dialled, std::string_view caller,
               std::string_view home_country, Decision &out, Trace *trace = nullptr);
    Decision route(const Snapshot &snap, std::string_view dialled, std::string_view caller = {},
                   std::string_view home_country = {}, Trace *trace = nullptr);

private:
    void route_number(const Snapshot &snap, const numplan::Number &n,
                      std::string_view caller_country, std::string_view home, Decision &out,
                      Trace *trace);
    void route_owned(const Snapshot &snap, const Snapshot::Owned &rec, std::string_view key,
                     std::string_view country, RouteClass here, Decision &out, Trace *trace);
    void route_pstn(const Snapshot &snap, std::string_view e164, std::string_view country,
                    Decision &out, Trace *trace);
    // Writes a PSTN route for an E.164 number into `out`; false if none.
    bool pstn_route(const Snapshot &snap, std::string_view e164, std::string &out, Trace *trace);
    void fail(Decision &out, int status, const char *cause, std::string reason, Trace *trace);

    numplan::Number number_, alias_number_;
    std::string error_, key_;
    char caller_cc_[3] = {};
};

}  // namespace vce::routing
