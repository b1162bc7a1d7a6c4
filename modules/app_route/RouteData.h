// The immutable bundle app_route swaps atomically: the routing snapshot, the SIP credential
// table and the trusted-peer table, built from the rows of one SQL statement. No I/O.
#pragma once

#include <cstddef>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "routing/Decision.h"
#include "routing/Peer.h"
#include "routing/Snapshot.h"
#include "vce/Database.h"
#include "vce/RouteService.h"

namespace vce::approute {

// What app_route.conf says (everything optional).
struct RouteOptions {
    std::string home_country;  // "082"; empty = settings 'home_country', else 082
    std::string centre;  // centres.name of this exchange; empty = the own centre of home_country
    std::string realm;   // digest realm when an account row has none; empty = settings 'sip.realm'
    std::string peer_context = "from-centres";  // context of calls from centres and carriers
    // config "trusted => network,context,reach"
    std::vector<std::pair<routing::Network, routing::Peer>> trusted;
    std::string pstn_trunk;  // "SIP/host:port" when pstn = sip: TDM/<group>/<n> becomes <trunk>/<n>
};

struct RouteCounts {
    size_t countries = 0, centres = 0, carriers = 0, carrier_prefixes = 0, trunks = 0, rates = 0,
           accounts = 0, numbers = 0, branches = 0, aliases = 0, trusted = 0, skipped = 0;
};

struct RouteData {
    std::shared_ptr<const routing::Snapshot> snapshot;
    std::unordered_map<std::string, AccountAuth> accounts;  // enabled accounts by username
    routing::PeerTable peers;  // centres, carriers, the peers table, app_route.conf
    // SIP hosts ("host:port") a call needs more than our own numbers' reach to be sent to: the
    // PSTN trunk and trunk gateways (pstn), carriers' centres (carriers).
    std::unordered_map<std::string, routing::Reach> reach_needed;
    std::string home_country;
    std::string self_centre;  // name, empty if none
    std::string pstn_trunk;   // copy of the option in force
    RouteCounts counts;
    std::vector<std::string> warnings;  // rows skipped and why (at most 20 kept)
    unsigned long generation = 0;
    std::time_t loaded_at = 0;
    long load_ms = 0;
};

// The statement that reads every routing row in one consistent snapshot. Each row is
// (kind, a, b, c, d, e, f, g), all text; kinds: setting, country, area, centre, carrier,
// trunk, rate, account, number, branch, alias.
extern const char *const kRouteSql;

// Builds the bundle from those rows. A bad row is skipped and named in `warnings` (the
// admin's mistake should not stop everyone else's changes from routing); a failure of the
// whole build throws std::exception with the reason.
// The rows are read in place (libpq's result on app_route's builder thread); the vector form
// is for tests.
std::shared_ptr<RouteData> build_route_data(const SqlRowSet &rows, const RouteOptions &opt);
std::shared_ptr<RouteData> build_route_data(const std::vector<std::vector<SqlParam>> &rows,
                                            const RouteOptions &opt);

// "sip:user@host:5060;transport=udp" -> "host:5060"; "sips:[::1]" -> "[::1]".
std::string sip_hostport(std::string_view uri);
// "10.0.0.1:5060" -> "10.0.0.1"; "[::1]:5060" -> "::1"; "host" -> "host".
std::string host_of(std::string_view hostport);
// A literal IPv4 or IPv6 address (no name resolution happens anywhere here).
bool is_ip_literal(std::string_view host);
// "127.0.0.1:5090" or "SIP/127.0.0.1:5090" -> "SIP/127.0.0.1:5090"; empty stays empty.
std::string normalise_trunk(std::string_view trunk);
// TDM/<group>/<number> -> <trunk>/<number>; any other target is returned unchanged.
std::string rewrite_pstn(std::string_view target, std::string_view trunk);
// Applies rewrite_pstn to a decision's target, alternatives and PSTN fallback; notes it in the
// trace.
void apply_pstn_trunk(routing::Decision &d, std::string_view trunk, routing::Trace *trace);
// "127.0.0.1,from-centres,own" or "192.0.2.0/24" -> {network, peer}; the context defaults to
// `fallback`, the reach to own. Returns false (with `error` set) when the network or the
// reach is not valid.
bool parse_trusted(std::string_view value, const std::string &fallback,
                   std::pair<routing::Network, routing::Peer> &out, std::string &error);

}  // namespace vce::approute
