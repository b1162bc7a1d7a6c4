// The routing service that app_route offers (service name "router"): decisions over the
// live snapshot and the SIP credentials of accounts. Every method is safe from any thread
// (the SIP and TDM threads call it directly; no I/O happens in these calls).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "routing/Decision.h"
#include "routing/Peer.h"

namespace vce {

struct AccountAuth {
    std::string username;
    std::string ha1_md5;     // hex MD5(username:realm:password)
    std::string ha1_sha256;  // hex SHA-256(username:realm:password)
    std::string realm;
    int max_calls = 0;  // the member's calls in progress at once on this exchange; 0: no limit
    // What it may spend is watched (prepaid, or postpaid with a credit limit): its calls that
    // cost money are authorised first (sql/015_balances.sql call_authorize).
    bool metered = false;
};

class RouteService {
public:
    virtual ~RouteService() = default;
    // Routes `dialled` for `caller` (an account username or number; may be empty).
    virtual routing::Decision route(std::string_view dialled, std::string_view caller,
                                    routing::Trace *trace = nullptr) = 0;
    // Credentials of an enabled account; nullopt when unknown or disabled.
    virtual std::optional<AccountAuth> account(std::string_view username) = 0;
    // The trusted peer (centre, carrier, trunk, box) this IP address belongs to: its dialplan
    // context, reach and limits; nullopt when the address is not trusted.
    virtual std::optional<routing::Peer> peer_at(std::string_view ip) = 0;
    // The reach a call needs to be sent to this SIP host ("host:port" of a Dial(SIP/host/user)):
    // pstn for the PSTN trunk (pstn = sip) and the gateways holding trunk groups, carriers for
    // another carrier's centre, own for anything else.
    virtual routing::Reach reach_needed_at(std::string_view hostport) = 0;
    // The caller's number as a peer expecting `form` gets it: a member's PIN as its PSTN number
    // (E.164, or national in its country), a PSTN number as it is; "" when it has none (a
    // company's branch, a name).
    virtual std::string caller_number(std::string_view caller, routing::CallerIdForm form) = 0;
    // The SIP hosts ("host:port") of the other centres and the trunk gateways: the ways routes
    // take whose health matters (chan_sip asks each with OPTIONS; vce/HealthService.h).
    virtual std::vector<std::string> watched_hosts() = 0;
    // Bumped on every snapshot swap (for status displays and tests).
    virtual unsigned long generation() const = 0;
};

namespace services {
constexpr const char *kRouter = "router";  // vce::RouteService (app_route)
}

}  // namespace vce
