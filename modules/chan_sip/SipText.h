// Small text helpers for SIP headers: parameters, URI user parts, safe log strings.
#pragma once

#include <sofia-sip/msg_types.h>
#include <sofia-sip/nta.h>

#include <map>
#include <string>
#include <vector>

#include "DigestClient.h"

namespace vce::sip {

// The value of name=value in a sofia parameter list, without quotes ("" when absent).
std::string param(msg_param_t const *params, const char *name);
std::map<std::string, std::string> params_of(msg_param_t const *params);
// The digest challenges of a WWW-/Proxy-Authenticate list (other schemes skipped).
std::vector<DigestChallenge> digest_challenges(msg_auth_t const *au);
// A URI user part with %XX escapes undone ("6200-6200%23082" -> "6200-6200#082").
std::string unescape_user(const char *user);
// Printable ASCII only, at most 64 characters: for log lines built from request data.
std::string printable(const std::string &s);
inline int db_unavailable_status() {
    return 503;
}
// The host of a SIP URI or of "ip:port" / "[v6]:port", lower case, without brackets; "" if
// none. Used to compare where in-dialog requests go with the dialog's parties.
std::string uri_host(const std::string &uri_or_hostport);
std::string url_host(const url_t *url);  // the same for a parsed URI
// The transport a SIP URI asks for: "tls" for sips: or ;transport=tls, "tcp" for
// ;transport=tcp, else "udp" (what sofia would choose for an address without NAPTR).
std::string uri_transport(const std::string &uri);
// Whether a host (as uri_host gives it) is an IPv4 or IPv6 address, not a DNS name. What we
// probe on a timer (centres, registered phones) is asked only at addresses: sofia's resolver
// spins on a DNS server it cannot reach (ENETUNREACH: an exchange without a route to its
// resolver), and a probe every few seconds would keep it spinning and starve the SIP thread.
bool is_ip_address(const std::string &host);
// "a, b ,c" -> {"a", "b", "c"} (empty items dropped).
std::vector<std::string> split_list(const std::string &text);
// Our own deep copy of an outgoing transaction's latest response (nullptr if none).
// `source`, when given, receives the "ip:port" the response came from.
msg_t *copy_response(nta_outgoing_t *orq, std::string *source = nullptr);
// A phone behind NAT names its private address in Contact; in-dialog requests sent there
// never arrive. When `source` ("ip:port", where the message really came from) differs from
// the first Contact's host:port, the Contact is rewritten to it (like Kamailio's
// fix_nated_contact). Returns true when it rewrote.
bool fix_nated_contact(msg_t *msg, const std::string &source);
// Where a received message came from: false when unknown.
bool peer_of(msg_t *msg, std::string &ip, int &port);
// The same as "ip:port" ("" when unknown).
std::string source_of(msg_t *msg);

}  // namespace vce::sip
