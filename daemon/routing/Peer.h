// Who a call comes from when it is not a member: a peer (another centre, a carrier, a SIP
// trunk, an edge box) known by its address or network, what it may reach through us, and
// its limits. The one rule that says whether a routed destination is within a caller's
// reach. Pure: no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "numplan/CountryTable.h"
#include "routing/Decision.h"

namespace vce::routing {

// What a caller may reach through us, each step including the one before: our own numbers
// (members here and at other centres), also other carriers' numbers, also the PSTN.
enum class Reach { Own = 0, Carriers = 1, Pstn = 2 };

const char *reach_name(Reach r);                       // "own", "carriers", "pstn"
std::optional<Reach> parse_reach(std::string_view s);  // the names above
// The reach a routed destination needs: a carrier's number needs carriers, a PSTN number
// (through our trunks or another centre's) needs pstn, everything else own.
Reach reach_needed(RouteClass cls);
// A decision for a caller of reach `r`: a destination beyond it is refused (403,
// "not-permitted", a sentence naming what the caller may reach), and a caller without the
// PSTN gets no PSTN fallback. The alternatives share the target's class, so one check covers
// them all (and a refusal clears them). Returns true when it refused.
bool limit_to_reach(Decision &d, Reach r);
// The channel's reach from its CALL_REACH variable (vce/CallDriver.h channel_vars::kReach); a
// channel that did not set it reaches only our own numbers (nothing reaches a trunk by accident).
Reach reach_of_variable(std::string_view value);

// How a peer expects the caller's number (seed 003 S450: the caller's VoIP number converted to
// the PSTN numbering): E.164 ("+82262006200") or national in its own country ("0262006200").
enum class CallerIdForm { E164, National };
const char *caller_id_form_name(CallerIdForm f);  // "e164", "national"
std::optional<CallerIdForm> parse_caller_id_form(std::string_view s);
// An E.164 number ("+82262006200") in a form; "" when it is not E.164 of a known country.
std::string caller_id_in_form(std::string_view e164, CallerIdForm form,
                              const numplan::CountryTable &countries);

struct Peer {
    std::string name;                             // "us-centre", "carrier 070", "conf 127.0.0.1"
    std::string kind;                             // centre, carrier, trunk, box
    std::string context;                          // the dialplan context its calls run in
    Reach reach = Reach::Own;                     // what its calls may reach
    int max_channels = 0;                         // concurrent calls; 0 = no limit
    double max_cps = 0;                           // new calls per second; 0 = no limit
    CallerIdForm caller_id = CallerIdForm::E164;  // the form of the caller's number it expects
    // In our trust domain (RFC 3325): it gets P-Asserted-Identity from us, and the one it
    // sends is believed; any other source's is removed.
    bool asserted_identity = false;
};

// An IPv4 or IPv6 network: "192.0.2.10", "192.0.2.0/24", "2001:db8::/32".
struct Network {
    uint8_t addr[16] = {};
    int family = 0;  // AF_INET or AF_INET6
    int bits = 0;
    // False (and `error` set) when `text` is no address or network.
    static bool parse(std::string_view text, Network &out, std::string &error);
    bool contains(const uint8_t *a, int family) const;
    std::string text() const;
};

// Peers by network; the most specific network that holds an address wins, and of two
// entries for the same network the later one (configuration is added after the tables).
class PeerTable {
public:
    void add(const Network &net, Peer peer);
    // The peer an address belongs to ("192.0.2.10", "[::1]" or "::1"); nullptr if none.
    const Peer *find(std::string_view ip) const;
    size_t size() const { return entries_.size(); }
    struct Entry {
        Network net;
        Peer peer;
    };
    const std::vector<Entry> &entries() const { return entries_; }

private:
    std::vector<Entry> entries_;
};

}  // namespace vce::routing
