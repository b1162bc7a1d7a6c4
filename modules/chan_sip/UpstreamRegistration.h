// chan_sip: one registration of ours at an upstream exchange (vced as a UAC: an edge box that
// registers its lines' numbers), as a pure state machine. Inputs are the final answers to our
// REGISTERs, transaction timeouts, clock ticks and demands; outputs are the REGISTERs to send
// and the state changes to log. No I/O, no clock, no randomness of its own: the time and the
// backoff jitter are passed in, so that tables test every answer.
//
// The rules (RFC 3261 §10, RFC 5626 §4.5 for the backoff):
// - 2xx with an expiry for our Contact: registered; refreshed at 80% of the granted expiry
//   (at least 5 s before it ends). A 2xx without our Contact or with expiry 0 is a failure;
//   an expiry above the one we asked for is capped at ours (no trust in 2^32).
// - 401/407: the edge answers the challenge (digest; Authenticate); a challenge to a request
//   that carried our credentials (wrong password, or a challenge loop) is Forbidden.
// - 423 with Min-Expires: sent again at once with that expiry (if it is not absurd, and only
//   once per request); otherwise a failure.
// - 403 (and a challenge loop): Forbidden, retried slowly (forbidden_retry), never every few
//   seconds.
// - 503 with Retry-After, a timeout or a transport error: the next server in failover order at
//   once (a refresh starts its round at the server that registered us); when every server
//   failed, wait (Retry-After if given, else the backoff) and start over at the first.
// - Other final answers (3xx included: we do not follow a redirect of our registration):
//   Failing, with the backoff.
// - The backoff: base * 2^(failures-1), at most max_backoff, times a jitter in [0.5, 1].
// - An answer that never comes cannot leave the registration "in progress": the request has its
//   own deadline (answer_timeout), after which it counts as a timeout.
// - silent(): the server stopped answering our keepalives (or a call's INVITE) while we are
//   registered: as a failed try of that server (the next server at once, else Failing with the
//   backoff), so that calls fall back at once instead of waiting for the next refresh to fail.
// - demand(): a line's user dials while the registration is not up: try at once (not while a
//   request is out, nor when Forbidden).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vce::sip {

enum class UpstreamState {
    Idle,         // not started
    Registering,  // a first REGISTER (or one after a failure) is out
    Registered,
    Refreshing,  // registered, the refresh is out
    Failing,     // waiting for the next try after a failure
    Forbidden,   // refused (403 / credentials refused); retried slowly
    Stopped,     // stopped (unregistered, or waiting for nothing)
};
const char *to_string(UpstreamState s);

struct UpstreamTimers {
    int64_t answer_timeout_ms = 32000;  // no final answer to a REGISTER by then: a timeout
    int64_t base_backoff_ms = 30000;
    int64_t max_backoff_ms = 1800000;
    int64_t forbidden_retry_ms = 3600000;
    int64_t max_retry_after_ms = 3600000;  // a longer Retry-After is capped
    int64_t max_min_expires_s = 86400;     // a 423 asking for more is a failure
};

// What the edge does.
struct UpstreamAction {
    enum class Kind {
        Send,          // send a REGISTER to servers[server] with `expires` (0: unregister)
        Authenticate,  // the same REGISTER again, answering the challenge just received
        Cancel,        // forget the REGISTER that is out (its deadline passed)
        StateChange,   // log a NOTICE: `from` -> the new state, with `reason`
    };
    Kind kind;
    std::size_t server = 0;                    // Send
    uint32_t expires = 0;                      // Send
    UpstreamState from = UpstreamState::Idle;  // StateChange
    std::string reason = {};                   // StateChange
};

// A final answer (or the lack of one) to the REGISTER that is out.
struct UpstreamAnswer {
    enum class Kind { Response, Timeout, TransportError };
    Kind kind = Kind::Response;
    int status = 0;
    bool contact_listed = false;    // 2xx: our Contact is in the answer
    int64_t expires_s = -1;         // 2xx: the expiry granted to our Contact (-1: none given)
    int64_t min_expires_s = -1;     // 423: Min-Expires (-1: none)
    int64_t retry_after_s = -1;     // 503 and others: Retry-After (-1: none)
    bool credentials_sent = false;  // 401/407: the request carried our answer to a challenge
};

class UpstreamRegistration {
public:
    // servers: how many in failover order; expires: the expiry we ask for (seconds). Where a
    // method takes `jitter`, it is a value in [0.5, 1] the edge draws for a backoff.
    UpstreamRegistration(std::size_t servers, uint32_t expires, UpstreamTimers timers = {});

    std::vector<UpstreamAction> start(int64_t now_ms);
    std::vector<UpstreamAction> answer(const UpstreamAnswer &a, int64_t now_ms, double jitter);
    // The edge calls this at next_wakeup() (or later): refreshes, retries, deadlines.
    std::vector<UpstreamAction> tick(int64_t now_ms, double jitter);
    std::vector<UpstreamAction> demand(int64_t now_ms);
    std::vector<UpstreamAction> silent(int64_t now_ms, double jitter);
    // Unregisters when registered (expires 0, one try, no retries), then Stopped.
    std::vector<UpstreamAction> stop(int64_t now_ms);

    UpstreamState state() const { return state_; }
    bool in_flight() const { return in_flight_; }
    std::size_t server() const { return server_; }
    int64_t next_wakeup() const;  // INT64_MAX: nothing to wait for
    int64_t registered_until() const { return registered_until_; }  // 0: not registered
    int64_t failing_since() const { return failing_since_; }        // 0: not failing
    int last_status() const { return last_status_; }                // 0: none yet; 408: timeout
    int failures() const { return failures_; }  // consecutive rounds through every server
    uint32_t expires_asked() const { return expires_; }

private:
    // new_round: this try starts a round through the servers (false: a failover within one).
    std::vector<UpstreamAction> send(std::size_t server, int64_t now_ms, UpstreamState s,
                                     const std::string &why, bool new_round = true);
    void enter(std::vector<UpstreamAction> &out, UpstreamState s, const std::string &why);
    std::vector<UpstreamAction> failed(int64_t now_ms, double jitter, const std::string &why,
                                       bool next_server, int64_t retry_after_s);
    std::vector<UpstreamAction> registered(int64_t granted_s, int64_t now_ms);
    int64_t backoff_ms(double jitter) const;

    const std::size_t servers_;
    const uint32_t configured_expires_;
    const UpstreamTimers timers_;
    UpstreamState state_ = UpstreamState::Idle;
    bool in_flight_ = false, unregistering_ = false, min_expires_followed_ = false;
    std::size_t server_ = 0, round_start_ = 0;  // the server of the try, where its round began
    uint32_t expires_;                          // what we ask for (a 423 may raise it)
    int64_t deadline_ = INT64_MAX;              // the REGISTER that is out is given up at
    int64_t retry_at_ = INT64_MAX;              // the next try / refresh
    int64_t registered_until_ = 0, failing_since_ = 0;
    int last_status_ = 0, failures_ = 0;
};

}  // namespace vce::sip
