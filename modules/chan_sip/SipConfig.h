// sip.conf for chan_sip, parsed and checked (errors name file:line).
#pragma once

#include <string>
#include <vector>

#include "MediaRelayConfig.h"
#include "UpstreamConfig.h"
#include "vce/Config.h"

namespace vce::sip {

struct SipConfig {
    std::string bind_ip = "127.0.0.1";
    int port = 5060;
    bool udp = true, tcp = true;
    std::string realm = "vce";
    std::string domain;  // our SIP domain (Request-URIs for us); default bind_ip
    int nonce_ttl = 300;
    int min_expires = 30, max_expires = 3600, default_expires = 3600;
    size_t max_contacts = 0;                 // per number; 0 = no limit (oldest replaced beyond)
    double flood_rate = 0, flood_burst = 0;  // requests/s per source; 0 = off
    std::vector<std::string> flood_trusted;
    // Password guessing (AuthFailureGuard): auth_fail_limit failures within auth_fail_window
    // seconds block a source for auth_block_seconds, and throttle an account guessed at from
    // several sources. auth_fail_limit 0 = off.
    unsigned auth_fail_limit = 10;
    int auth_fail_window = 60, auth_block_seconds = 900;
    // Behind NAT with the SIP (and RTP) ports forwarded: the public address named in Via,
    // Contact and Record-Route instead of bind's (sofia binds to bind's, maddr). Empty: bind's.
    std::string advertise;
    std::string member_context = "from-members";
    int dial_timeout = 30;    // when Dial() gives none
    int message_ttl = 86400;  // how long an offline message waits
    // Billable calls of limited members (sql/015_balances.sql): the most call time one grant
    // holds money for (more is asked for before it runs out), and what a call does when the
    // database cannot say (refuse: 503; allow: dialled without a limit, logged).
    int credit_quota = 600;
    // The longest a call may last (it is then ended with BYE to both parties): a call whose BYE
    // is lost does not stay in the engine (and hold its peer's channel) for ever. 0: no limit.
    int max_call_seconds = 14400;
    bool credit_outage_allow = false;
    bool require_auth = true;               // members must authenticate (INVITE, MESSAGE, REGISTER)
    unsigned udp_buffer = 4 * 1024 * 1024;  // socket buffers: absorb bursts instead of dropping
    // Transaction timers (ms): t1x64 = Timer B/F (no answer at all) and how long a completed
    // server transaction absorbs retransmissions (H/J); t4 = Timer I/K. RFC 3261's 64*T1 is
    // 32 s; 8 s holds a quarter of the memory under load (Kamailio keeps completed
    // transactions 5 s), and a request nobody answers fails over after 8 s instead of 32.
    unsigned t1x64 = 8000, t4 = 5000;
    // SIP threads sharing the port (SO_REUSEPORT, steered by Call-ID); with more than one,
    // thread i also listens on worker_port_base + i (its outgoing requests, Record-Route and
    // Contact use it). Default base: port + 1.
    int workers = 1;
    int worker_port_base = 0;
    bool offer_sha256 = true;  // challenge with SHA-256 beside MD5 (RFC 8760)
    // User-Agent substrings of phones that fail on a SHA-256 challenge (libre 1.x gives up
    // on the whole challenge): they get MD5 only.
    std::vector<std::string> md5_only_agents = {"baresip v1."};
    // The other centres and trunk gateways (the routing data's): an OPTIONS to each every
    // centre_keepalive seconds (0: none watched); centre_misses unanswered in a row (no answer
    // within centre_silence_ms) make one down, and Route() skips it until it answers again.
    int centre_keepalive = 10, centre_misses = 2, centre_silence_ms = 1500;
    // Registered phones: an OPTIONS to each binding every qualify_seconds (0: none);
    // qualify_misses unanswered in a row (within qualify_silence_ms) remove the binding.
    int qualify_seconds = 0, qualify_misses = 2, qualify_silence_ms = 2000;
    // A phone behind NAT over UDP registers for at most this long (0: max_expires).
    int nat_max_expires = 0;
    std::vector<UpstreamConfig> upstreams;  // [upstream:NAME]: exchanges we register with
    // Redirect mode (seed 000 claims 1/8): calls of these members (trusted edge boxes,
    // authenticated by digest) to a registered account here are answered 302 with the
    // callee's contacts, and the box connects directly. Empty: every call is proxied.
    std::vector<std::string> redirect_callers;
    // SIP over TLS (first SIP thread, like TCP) on tls_port of bind's address; 0: none. The
    // certificate (PEM; the first one is ours) and its key are checked when sip.conf is read.
    // tls_ca_file: the CAs of client certificates (optional; clients are not asked for one).
    int tls_port = 0;
    std::string tls_certificate, tls_private_key, tls_ca_file;
    // Media anchored through vced's relay (media_relay = nat | always | never).
    MediaRelayConfig media;

    static SipConfig from(const Config &conf);  // throws ConfigError
};

}  // namespace vce::sip
