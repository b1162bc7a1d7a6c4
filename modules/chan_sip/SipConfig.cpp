// sip.conf parsing.
#include "SipConfig.h"

#include <arpa/inet.h>

#include <sstream>

#include "SipText.h"
#include "TlsCredentials.h"

namespace vce::sip {

SipConfig SipConfig::from(const Config &conf) {
    SipConfig c;
    const ConfigSection *g = conf.section("general");
    if (!g) throw ConfigError(conf.path(), 0, "expected a [general] section");
    std::string bind = g->get("bind", "127.0.0.1:5060");
    size_t colon = bind.rfind(':');
    c.bind_ip = colon == std::string::npos ? bind : bind.substr(0, colon);
    if (colon != std::string::npos) {
        try {
            c.port = std::stoi(bind.substr(colon + 1));
        } catch (...) {
            const ConfigEntry *e = g->find("bind");
            throw ConfigError(e->file, e->line, "expected bind = IP:PORT, got '" + bind + "'");
        }
    }
    std::string transports = g->get("transports", "udp,tcp");
    c.udp = transports.find("udp") != std::string::npos;
    c.tcp = transports.find("tcp") != std::string::npos;
    if (!c.udp && !c.tcp) {
        const ConfigEntry *e = g->find("transports");
        throw ConfigError(e->file, e->line, "expected transports = udp, tcp or udp,tcp");
    }
    c.realm = g->get("realm", c.realm);
    c.advertise = g->get("advertise");
    if (!c.advertise.empty()) {
        in_addr a{};
        if (inet_pton(AF_INET, c.advertise.c_str(), &a) != 1) {
            const ConfigEntry *e = g->find("advertise");
            throw ConfigError(e->file, e->line,
                              "expected advertise = the public IPv4 address of this host (ports as "
                              "bound), got '" +
                                  c.advertise + "'");
        }
    }
    c.domain = g->get("domain", c.advertise.empty() ? c.bind_ip : c.advertise);
    c.nonce_ttl = static_cast<int>(g->get_int("nonce_ttl", c.nonce_ttl));
    c.min_expires = static_cast<int>(g->get_int("min_expires", c.min_expires));
    c.max_expires = static_cast<int>(g->get_int("max_expires", c.max_expires));
    c.default_expires = static_cast<int>(g->get_int("default_expires", c.default_expires));
    c.max_contacts = static_cast<size_t>(g->get_int("max_contacts", 0));
    c.flood_rate = static_cast<double>(g->get_int("flood_rate", 0));
    c.flood_burst =
        static_cast<double>(g->get_int("flood_burst", static_cast<long>(c.flood_rate * 2)));
    for (const auto *e : g->all("flood_trusted"))
        for (auto &ip : split_list(e->value)) c.flood_trusted.push_back(ip);
    c.member_context = g->get("member_context", c.member_context);
    c.dial_timeout = static_cast<int>(g->get_int("dial_timeout", c.dial_timeout));
    c.message_ttl = static_cast<int>(g->get_int("message_ttl", c.message_ttl));
    c.require_auth = g->get_bool("require_auth", true);
    c.offer_sha256 = g->get_bool("offer_sha256", true);
    c.udp_buffer = static_cast<unsigned>(g->get_int("udp_buffer", c.udp_buffer));
    auto refuse = [&](const std::string &key, const std::string &why) {
        const ConfigEntry *e = g->find(key);
        return ConfigError(e ? e->file : conf.path(), e ? e->line : g->line, why);
    };
    const long limit = g->get_int("auth_fail_limit", c.auth_fail_limit);
    if (limit < 0 || limit > 100)
        throw refuse("auth_fail_limit",
                     "auth_fail_limit is the number of failed authentications within "
                     "auth_fail_window that block a source, 1..100 (0: off), got " +
                         std::to_string(limit));
    c.auth_fail_limit = static_cast<unsigned>(limit);
    const long window = g->get_int("auth_fail_window", c.auth_fail_window);
    if (window < 1 || window > 86400)
        throw refuse("auth_fail_window",
                     "auth_fail_window is in seconds, 1..86400, got " + std::to_string(window));
    c.auth_fail_window = static_cast<int>(window);
    const long block = g->get_int("auth_block_seconds", c.auth_block_seconds);
    if (block < 1 || block > 7 * 86400)
        throw refuse("auth_block_seconds",
                     "auth_block_seconds is in seconds, 1..604800, got " + std::to_string(block));
    c.auth_block_seconds = static_cast<int>(block);
    const long quota = g->get_int("credit_quota", c.credit_quota);
    if (quota < 30 || quota > 86400)
        throw refuse("credit_quota",
                     "credit_quota is the call time in seconds one credit grant holds money for, "
                     "30..86400, got " +
                         std::to_string(quota));
    c.credit_quota = static_cast<int>(quota);
    const long longest = g->get_int("max_call_seconds", c.max_call_seconds);
    if (longest != 0 && (longest < 60 || longest > 7 * 86400))
        throw refuse("max_call_seconds",
                     "max_call_seconds is the longest a call may last, 60..604800 seconds (0: no "
                     "limit), got " +
                         std::to_string(longest));
    c.max_call_seconds = static_cast<int>(longest);
    const std::string outage = g->get("credit_outage", "refuse");
    if (outage != "refuse" && outage != "allow")
        throw refuse("credit_outage",
                     "credit_outage is refuse (a billable call gets 503 while the database cannot "
                     "authorise it) or allow (it is dialled without a limit), got '" +
                         outage + "'");
    c.credit_outage_allow = outage == "allow";
    c.t1x64 = static_cast<unsigned>(g->get_int("t1x64", c.t1x64));
    c.t4 = static_cast<unsigned>(g->get_int("t4", c.t4));
    if (c.t1x64 < 4000 || c.t1x64 > 64000)
        throw refuse("t1x64", "t1x64 is in milliseconds, 4000..64000 (RFC 3261: 32000)");
    if (c.t4 < 1000 || c.t4 > c.t1x64)
        throw refuse("t4", "t4 is in milliseconds, 1000..t1x64 (RFC 3261: 5000)");
    c.centre_keepalive = static_cast<int>(g->get_int("centre_keepalive", c.centre_keepalive));
    c.centre_misses = static_cast<int>(g->get_int("centre_misses", c.centre_misses));
    c.centre_silence_ms = static_cast<int>(g->get_int("centre_silence_ms", c.centre_silence_ms));
    c.qualify_seconds = static_cast<int>(g->get_int("qualify_seconds", c.qualify_seconds));
    c.qualify_misses = static_cast<int>(g->get_int("qualify_misses", c.qualify_misses));
    c.qualify_silence_ms = static_cast<int>(g->get_int("qualify_silence_ms", c.qualify_silence_ms));
    c.nat_max_expires = static_cast<int>(g->get_int("nat_max_expires", c.nat_max_expires));
    if (c.qualify_seconds < 0 || c.qualify_seconds > 3600)
        throw refuse("qualify_seconds",
                     "qualify_seconds is in seconds, 0..3600 (0: phones are not asked)");
    if (c.qualify_misses < 1 || c.qualify_misses > 100)
        throw refuse("qualify_misses", "qualify_misses is 1..100 unanswered OPTIONS in a row");
    if (c.qualify_silence_ms < 100 || c.qualify_silence_ms > 60000)
        throw refuse("qualify_silence_ms", "qualify_silence_ms is in milliseconds, 100..60000");
    if (c.qualify_seconds > 0 && c.qualify_silence_ms >= c.qualify_seconds * 1000)
        throw refuse("qualify_silence_ms",
                     "qualify_silence_ms must be shorter than qualify_seconds");
    if (c.nat_max_expires != 0 && (c.nat_max_expires < c.min_expires || c.nat_max_expires > 3600))
        throw refuse("nat_max_expires",
                     "nat_max_expires is in seconds, min_expires..3600 (0: as max_expires)");
    if (c.centre_keepalive < 0 || c.centre_keepalive > 3600)
        throw refuse("centre_keepalive",
                     "centre_keepalive is in seconds, 0..3600 (0: centres are not watched)");
    if (c.centre_misses < 1 || c.centre_misses > 100)
        throw refuse("centre_misses", "centre_misses is 1..100 unanswered OPTIONS in a row");
    if (c.centre_silence_ms < 100 || c.centre_silence_ms > 60000)
        throw refuse("centre_silence_ms", "centre_silence_ms is in milliseconds, 100..60000");
    c.workers = static_cast<int>(g->get_int("workers", c.workers));
    if (c.workers < 1 || c.workers > 16)
        throw refuse("workers", "workers is the number of SIP threads, 1..16");
    // Only UDP sockets can share the port; TCP is the first thread's.
    if (c.workers > 1 && !c.udp) throw refuse("workers", "workers > 1 needs udp in transports");
    c.worker_port_base = static_cast<int>(g->get_int("worker_port_base", c.port + 1));
    if (c.workers > 1 &&
        (c.worker_port_base < 1 || c.worker_port_base + c.workers - 1 > 65535 ||
         (c.port >= c.worker_port_base && c.port < c.worker_port_base + c.workers)))
        throw refuse("worker_port_base",
                     "worker_port_base .. worker_port_base + workers - 1 must be free ports other "
                     "than the SIP port");
    if (const ConfigEntry *e = g->find("md5_only_agents")) c.md5_only_agents = split_list(e->value);
    if (const ConfigEntry *e = g->find("redirect_callers"))
        c.redirect_callers = split_list(e->value);
    c.tls_port = static_cast<int>(g->get_int("tls_port", 0));
    if (c.tls_port < 0 || c.tls_port > 65535 || (c.tls_port != 0 && c.tls_port == c.port) ||
        (c.workers > 1 && c.tls_port >= c.worker_port_base &&
         c.tls_port < c.worker_port_base + c.workers))
        throw refuse("tls_port",
                     "tls_port is the port of SIP over TLS, 1..65535 and not a UDP/TCP port of "
                     "ours (0: no TLS)");
    c.tls_certificate = g->get("tls_certificate");
    c.tls_private_key = g->get("tls_private_key");
    c.tls_ca_file = g->get("tls_ca_file");
    if (c.tls_port != 0) {
        if (c.tls_certificate.empty())
            throw refuse("tls_port", "tls_port needs tls_certificate = the server's PEM file");
        if (c.tls_private_key.empty())
            throw refuse("tls_port", "tls_port needs tls_private_key = the certificate's key file");
        const std::string why =
            tls_files_problem(c.tls_certificate, c.tls_private_key, c.tls_ca_file);
        if (!why.empty())
            throw refuse(why.rfind("tls_private_key", 0) == 0 ? "tls_private_key"
                         : why.rfind("tls_ca_file", 0) == 0   ? "tls_ca_file"
                                                              : "tls_certificate",
                         why);
    }
    c.upstreams = UpstreamConfig::from(conf);
    c.media = MediaRelayConfig::from(*g, c.bind_ip, c.advertise, conf.path());
    return c;
}

}  // namespace vce::sip
