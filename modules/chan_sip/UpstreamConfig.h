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
    std::string file;  // where the section is (for messages)
    int line = 0;

    // Every [upstream:NAME] section of sip.conf (none: an empty list). Throws ConfigError.
    static std::vector<UpstreamConfig> from(const Config &conf);
};

}  // namespace vce::sip
