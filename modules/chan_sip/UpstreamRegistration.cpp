// chan_sip: one registration of ours at an upstream exchange, as a pure state machine (see
// UpstreamRegistration.h for the rules).
#include "UpstreamRegistration.h"

#include <algorithm>

namespace vce::sip {

const char *to_string(UpstreamState s) {
    switch (s) {
        case UpstreamState::Idle:
            return "idle";
        case UpstreamState::Registering:
            return "registering";
        case UpstreamState::Registered:
            return "registered";
        case UpstreamState::Refreshing:
            return "refreshing";
        case UpstreamState::Failing:
            return "failing";
        case UpstreamState::Forbidden:
            return "forbidden";
        case UpstreamState::Stopped:
            return "stopped";
    }
    return "?";
}

namespace {
using Kind = UpstreamAction::Kind;
std::string status_text(const UpstreamAnswer &a) {
    if (a.kind == UpstreamAnswer::Kind::Timeout) return "no answer";
    if (a.kind == UpstreamAnswer::Kind::TransportError) return "transport error";
    return std::to_string(a.status);
}
}  // namespace

UpstreamRegistration::UpstreamRegistration(std::size_t servers, uint32_t expires,
                                           UpstreamTimers timers)
    : servers_(std::max<std::size_t>(servers, 1)),
      configured_expires_(expires),
      timers_(timers),
      expires_(expires) {}

void UpstreamRegistration::enter(std::vector<UpstreamAction> &out, UpstreamState s,
                                 const std::string &why) {
    if (s == state_) return;
    UpstreamAction a{Kind::StateChange};
    a.from = state_;
    a.reason = why;
    out.push_back(a);
    state_ = s;
}

std::vector<UpstreamAction> UpstreamRegistration::send(std::size_t server, int64_t now_ms,
                                                       UpstreamState s, const std::string &why,
                                                       bool new_round) {
    std::vector<UpstreamAction> out;
    if (new_round) round_start_ = server;
    server_ = server;
    in_flight_ = true;
    deadline_ = now_ms + timers_.answer_timeout_ms;
    retry_at_ = INT64_MAX;
    UpstreamAction a{Kind::Send};
    a.server = server;
    a.expires = unregistering_ ? 0 : expires_;
    out.push_back(a);
    enter(out, s, why);
    return out;
}

std::vector<UpstreamAction> UpstreamRegistration::start(int64_t now_ms) {
    if (state_ != UpstreamState::Idle && state_ != UpstreamState::Stopped) return {};
    unregistering_ = false;
    failures_ = 0;
    expires_ = configured_expires_;
    return send(0, now_ms, UpstreamState::Registering, "started");
}

int64_t UpstreamRegistration::backoff_ms(double jitter) const {
    int64_t wait = timers_.base_backoff_ms;
    for (int i = 1; i < failures_ && wait < timers_.max_backoff_ms; ++i) wait *= 2;
    wait = std::min(wait, timers_.max_backoff_ms);
    jitter = std::clamp(jitter, 0.5, 1.0);
    return static_cast<int64_t>(static_cast<double>(wait) * jitter);
}

std::vector<UpstreamAction> UpstreamRegistration::registered(int64_t granted_s, int64_t now_ms) {
    std::vector<UpstreamAction> out;
    failures_ = 0;
    failing_since_ = 0;
    min_expires_followed_ = false;
    const int64_t granted_ms = granted_s * 1000;
    registered_until_ = now_ms + granted_ms;
    int64_t refresh_ms = granted_ms * 8 / 10;
    if (granted_ms - refresh_ms < 5000) refresh_ms = std::max(granted_ms - 5000, granted_ms / 2);
    retry_at_ = now_ms + refresh_ms;
    enter(out, UpstreamState::Registered,
          "registered for " + std::to_string(granted_s) + " s at server " +
              std::to_string(server_ + 1));
    return out;
}

std::vector<UpstreamAction> UpstreamRegistration::failed(int64_t now_ms, double jitter,
                                                         const std::string &why, bool next_server,
                                                         int64_t retry_after_s) {
    if (failing_since_ == 0) failing_since_ = now_ms;
    min_expires_followed_ = false;
    const std::size_t next = (server_ + 1) % servers_;
    if (next_server && next != round_start_)
        return send(next, now_ms, UpstreamState::Registering,
                    why + "; trying server " + std::to_string(next + 1), false);
    std::vector<UpstreamAction> out;
    ++failures_;
    server_ = 0;
    const int64_t wait = retry_after_s >= 0
                             ? std::min(retry_after_s * 1000, timers_.max_retry_after_ms)
                             : backoff_ms(jitter);
    retry_at_ = now_ms + wait;
    enter(out, UpstreamState::Failing,
          why + "; next try in " + std::to_string((wait + 999) / 1000) + " s");
    return out;
}

std::vector<UpstreamAction> UpstreamRegistration::answer(const UpstreamAnswer &a, int64_t now_ms,
                                                         double jitter) {
    if (!in_flight_) return {};  // an answer to a request given up (or never sent)
    const bool response = a.kind == UpstreamAnswer::Kind::Response;
    if (response && a.status < 200) return {};  // provisional: the request is still out
    in_flight_ = false;
    deadline_ = INT64_MAX;
    last_status_ = response ? a.status : a.kind == UpstreamAnswer::Kind::Timeout ? 408 : 503;
    const std::string status = status_text(a);

    if (unregistering_) {
        std::vector<UpstreamAction> out;
        unregistering_ = false;
        registered_until_ = 0;
        retry_at_ = INT64_MAX;
        enter(out, UpstreamState::Stopped,
              response && a.status < 300 ? "unregistered" : "unregister failed (" + status + ")");
        return out;
    }
    if (!response) return failed(now_ms, jitter, status, true, -1);

    const int s = a.status;
    if (s < 300) {
        if (!a.contact_listed)
            return failed(now_ms, jitter, status + " without our Contact", false, -1);
        if (a.expires_s == 0) return failed(now_ms, jitter, status + " with expiry 0", false, -1);
        const int64_t granted =
            a.expires_s < 0 ? expires_ : std::min<int64_t>(a.expires_s, expires_);
        return registered(granted, now_ms);
    }
    if (s == 401 || s == 407) {
        if (a.credentials_sent) {
            std::vector<UpstreamAction> out;
            if (failing_since_ == 0) failing_since_ = now_ms;
            retry_at_ = now_ms + timers_.forbidden_retry_ms;
            server_ = 0;
            enter(out, UpstreamState::Forbidden, status + " to our credentials");
            return out;
        }
        in_flight_ = true;
        deadline_ = now_ms + timers_.answer_timeout_ms;
        return {UpstreamAction{Kind::Authenticate}};
    }
    if (s == 403) {
        std::vector<UpstreamAction> out;
        if (failing_since_ == 0) failing_since_ = now_ms;
        retry_at_ = now_ms + timers_.forbidden_retry_ms;
        server_ = 0;
        enter(out, UpstreamState::Forbidden, status);
        return out;
    }
    if (s == 423) {
        if (a.min_expires_s > expires_ && a.min_expires_s <= timers_.max_min_expires_s &&
            !min_expires_followed_) {
            expires_ = static_cast<uint32_t>(a.min_expires_s);
            min_expires_followed_ = true;
            return send(server_, now_ms, state_, "", false);
        }
        return failed(now_ms, jitter, status + " with an unusable Min-Expires", false, -1);
    }
    if (s == 503) return failed(now_ms, jitter, status, true, a.retry_after_s);
    return failed(now_ms, jitter, status, false, a.retry_after_s);
}

std::vector<UpstreamAction> UpstreamRegistration::tick(int64_t now_ms, double jitter) {
    if (in_flight_) {
        if (now_ms < deadline_) return {};
        std::vector<UpstreamAction> out{UpstreamAction{Kind::Cancel}};
        UpstreamAnswer timeout;
        timeout.kind = UpstreamAnswer::Kind::Timeout;
        const auto more = answer(timeout, now_ms, jitter);
        out.insert(out.end(), more.begin(), more.end());
        return out;
    }
    if (now_ms < retry_at_) return {};
    switch (state_) {
        case UpstreamState::Registered:
            return send(server_, now_ms, UpstreamState::Refreshing, "refresh");
        case UpstreamState::Failing:
        case UpstreamState::Forbidden:
            return send(server_, now_ms, UpstreamState::Registering, "retry");
        default:
            retry_at_ = INT64_MAX;
            return {};
    }
}

std::vector<UpstreamAction> UpstreamRegistration::demand(int64_t now_ms) {
    if (in_flight_ || state_ != UpstreamState::Failing) return {};
    return send(server_, now_ms, UpstreamState::Registering, "a call needs it: trying at once");
}

std::vector<UpstreamAction> UpstreamRegistration::silent(int64_t now_ms, double jitter) {
    if ((state_ != UpstreamState::Registered && state_ != UpstreamState::Refreshing) ||
        unregistering_)
        return {};
    std::vector<UpstreamAction> out;
    if (in_flight_) {  // the refresh that is out will not be answered either
        out.push_back(UpstreamAction{Kind::Cancel});
        in_flight_ = false;
        deadline_ = INT64_MAX;
    }
    round_start_ = server_;
    last_status_ = 408;
    const auto more = failed(now_ms, jitter, "the server does not answer", true, -1);
    out.insert(out.end(), more.begin(), more.end());
    return out;
}

std::vector<UpstreamAction> UpstreamRegistration::stop(int64_t now_ms) {
    std::vector<UpstreamAction> out;
    if (state_ == UpstreamState::Idle || state_ == UpstreamState::Stopped) return out;
    if (in_flight_) {
        out.push_back(UpstreamAction{Kind::Cancel});
        in_flight_ = false;
        deadline_ = INT64_MAX;
    }
    retry_at_ = INT64_MAX;
    if (registered_until_ > now_ms) {
        unregistering_ = true;
        const auto more = send(server_, now_ms, state_, "");
        out.insert(out.end(), more.begin(), more.end());
        return out;
    }
    registered_until_ = 0;
    enter(out, UpstreamState::Stopped, "stopped");
    return out;
}

int64_t UpstreamRegistration::next_wakeup() const {
    return in_flight_ ? deadline_ : retry_at_;
}

}  // namespace vce::sip
