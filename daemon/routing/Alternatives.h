// The several ways to one destination (a country's centres, its trunk groups) put in the
// order to try them: priority first, weight spreading calls among equal priorities, hosts
// that stopped answering skipped. Pure: no I/O; health and the spread key are passed in.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vce::routing {

// Which SIP hosts are down (a centre that stopped answering OPTIONS). Implemented where the
// health is known (chan_sip's centre monitor, through vce/HealthService.h); any thread.
class HostHealth {
public:
    virtual ~HostHealth() = default;
    // "host:port" as the centres table names it; false for a host nobody watches.
    virtual bool down(std::string_view hostport) const = 0;
};

// One way to the destination.
struct Alternative {
    std::string target;  // the Dial target: SIP/<host:port>/<user> or TDM/<group>/<number>
    std::string host;    // "host:port" the target is sent to; empty for TDM (never down)
    std::string name;    // for the trace: "centre 'us-a'", "trunk group 'kr-pstn'"
    int priority = 0;    // lower first
    int weight = 1;      // share of calls among equal priorities; 0: after the weighted ones
};

// Orders `alts` in place. Within a run of equal priority (the input is sorted by priority),
// a weighted round robin on `spread` (a call counter) picks the first: of total weight W,
// slot spread % W falls to the alternative whose share holds it, and the others follow in
// their order (those of weight 0 last; if all weigh 0, each counts 1). Then the down ones are
// dropped, unless every one is down (then all are kept: the health may be out of date and a
// try costs less than a certain failure). Returns the number dropped; `dropped` (optional)
// receives their names.
size_t order_alternatives(std::vector<Alternative> &alts, uint64_t spread, const HostHealth *health,
                          std::vector<std::string> *dropped = nullptr);

}  // namespace vce::routing
