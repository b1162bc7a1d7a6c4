// chan_sip: the upstream exchanges this vced registers with (an edge box's `[upstream:NAME]`
// sections of sip.conf), parsed and checked; errors name file:line. Each number of a section
// is one registration (its own address of record) at that upstream.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vce/Config.h"

namespace vce::sip {

struct UpstreamServer {
    std::string host;
    int port = 5060;
};

struct UpstreamConfig {
    std::string name;
    std::vector<UpstreamServer> servers;  // failover order
    std::string transport = "udp";        // udp | tcp
    std::string domain;                   // of the addresses of record; default: the first server
    std::vector<std::string> numbers;     // registered, each as sip:NUMBER@domain (dashes removed)
    std::string username;                 // digest user name; empty: each registration's number
    std::string password;                 // never logged
    uint32_t expires = 600;
    // The dialplan context of calls the upstream's servers send us (the box's numbers called
    // through the exchange). Requests from a server's address are the upstream's, by IP.
    std::string context = "from-upstream";
    int keepalive_s = 10;   // an OPTIONS to the server this often (0: none)
    int silence_ms = 1500;  // a keepalive or a call's INVITE unanswered this long: silent
    // A 3xx to a call through it (the exchange in redirect mode): follow it to the contacts
    // given (at most 4, IP addresses only, never ourselves), or refuse (the call fails).
    bool follow_redirect = false;
    std::string file;  // where the section is (for messages)
    int line = 0;

    // Every [upstream:NAME] section of sip.conf (none: an empty list). Throws ConfigError.
    static std::vector<UpstreamConfig> from(const Config &conf);
};

// The upstream one of whose servers is at `ip` (servers written as IP addresses; a host name
// matches nothing): its calls to us run its context. nullptr when none.
const UpstreamConfig *upstream_at(const std::vector<UpstreamConfig> &upstreams,
                                  const std::string &ip);

}  // namespace vce::sip
