// chan_sip: vced as a SIP client of upstream exchanges (an edge box registering its numbers).
// One UpstreamRegistration (pure) per configured number of each [upstream:NAME]; here its
// actions are carried out on the first SIP thread: REGISTERs through the engine's agent (one
// Call-ID per registration, CSeq counting up, digest answered with DigestClient), the timers,
// and NOTICE lines on every state change. Never logged: the password and the digest response.
#pragma once

#include <sofia-sip/nta.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "DigestClient.h"
#include "OptionsProbe.h"
#include "SofiaHandles.h"
#include "UpstreamConfig.h"
#include "UpstreamRegistration.h"

namespace vce::sip {

class Engine;

// The state of each upstream as the dialplan reads it (UPSTREAM(name)): written by the SIP
// thread on every change, read from any thread.
class UpstreamStates {
public:
    void set(const std::string &name, const std::string &state) {
        std::lock_guard<std::mutex> lock(mutex_);
        states_[name] = state;
    }
    std::string get(const std::string &name) const {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = states_.find(name);
        return it == states_.end() ? "" : it->second;
    }

    // The dialplan's Set(UPSTREAM(name)=retry) (a line's user dialled while it fails): handed to
    // the first SIP thread by the function the engine set (none while no engine runs).
    void on_retry(std::function<void(const std::string &)> fn) {
        std::lock_guard<std::mutex> lock(mutex_);
        retry_ = std::move(fn);
    }
    bool retry(const std::string &name) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!retry_) return false;
        retry_(name);
        return true;
    }

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::string> states_;
    std::function<void(const std::string &)> retry_;
};

// Where a call through an upstream goes and with which credentials (UpstreamClient::route).
struct UpstreamRoute {
    std::string hop;        // "sip:HOST:PORT;transport=..": the server that registered us
    std::string domain;     // of the Request-URI and From
    std::string username;   // digest user
    std::string password;   // never logged
    int silence_ms = 1500;  // the INVITE unanswered this long: the server is silent
    bool follow_redirect = false;
};

class UpstreamClient {
public:
    // SIP thread, after the engine's agent and default leg exist; starts every registration.
    UpstreamClient(Engine &engine, const std::vector<UpstreamConfig> &upstreams,
                   UpstreamStates &states);
    // SIP thread, before the agent goes: unregisters what is registered (sent, not awaited)
    // and cancels every timer and transaction.
    ~UpstreamClient();
    UpstreamClient(const UpstreamClient &) = delete;
    UpstreamClient &operator=(const UpstreamClient &) = delete;

    // `sip show upstream`: a line per registration.
    std::string show() const;
    // The state of an upstream for the dialplan: "registered" when every number of it is,
    // "failing" when none is, "partial" in between, "" when there is no such upstream.
    std::string state_of(const std::string &name) const;
    // A call through upstream `name` for the line `caller` (its number): false when there is
    // no such upstream or none of its registrations is up (the exchange failed or fell
    // silent: the caller falls back at once).
    bool route(const std::string &name, const std::string &caller, UpstreamRoute &out) const;
    // A line's user dialled while `name` fails: its failing registrations are sent at once.
    void retry(const std::string &name);
    // A call's INVITE through `name` went unanswered: ask the server at once (a keepalive now).
    void call_unanswered(const std::string &name);

private:
    struct Registration {
        UpstreamClient *client = nullptr;
        const UpstreamConfig *cfg = nullptr;
        std::string number, call_id, from_tag, aor;
        uint32_t cseq = 0;
        UpstreamRegistration machine;
        OutgoingTx tx;     // the REGISTER out
        OutgoingTx spent;  // the last one answered (kept: we were inside its callback)
        Timer timer;
        bool credentials_sent = false;  // the request out answers a challenge
        bool proxy_challenge = false;   // that challenge was a 407
        std::vector<DigestChallenge> challenges;
        std::string nonce;  // of the challenge last answered, and its use count
        uint32_t nc = 0;
        int stale_answered = 0;  // stale challenges answered in this try
        Registration(UpstreamClient *c, const UpstreamConfig *u, std::string n)
            : client(c), cfg(u), number(std::move(n)), machine(u->servers.size(), u->expires) {}
    };

    // The keepalive of one upstream: an OPTIONS (OptionsProbe) every keepalive_s to the server
    // its first registration uses; no answer within silence_ms makes its registrations
    // silent(), any answer while they fail makes them try at once (demand()).
    struct Keepalive {
        UpstreamClient *client = nullptr;
        const UpstreamConfig *cfg = nullptr;
        std::unique_ptr<OptionsProbe> probe;
        Timer timer;          // the next OPTIONS due
        bool silent = false;  // the last one went unanswered
    };

    void run(Registration &r, const std::vector<UpstreamAction> &actions);
    void ping(Keepalive &k);
    void pinged(Keepalive &k, bool answered);
    void arm(Keepalive &k, long delay_ms);
    static void on_keepalive_timer(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg);
    void send(Registration &r, std::size_t server, uint32_t expires, bool answer_challenge);
    void arm(Registration &r);
    static int on_response(nta_outgoing_magic_t *magic, nta_outgoing_t *orq, sip_t const *sip);
    static void on_timer(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg);
    void answered(Registration &r, sip_t const *sip);
    int64_t now_ms() const;
    double jitter();
    std::string random_hex(std::size_t bytes);
    std::string contact_of(const Registration &r) const;

    Engine &engine_;
    UpstreamStates &states_;
    std::vector<UpstreamConfig> upstreams_;  // the registrations point into it
    std::vector<std::unique_ptr<Registration>> regs_;
    std::vector<std::unique_ptr<Keepalive>> keepalives_;
    std::mt19937_64 random_;
    bool stopping_ = false;
};

}  // namespace vce::sip
