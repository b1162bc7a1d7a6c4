// chan_sip's UpstreamRegistration: the answers an upstream exchange may give to our REGISTER
// (every status the rules name, hostile ones included), lost answers, failover, backoff with
// jitter, refresh, demand and stop, from tables (no network, no clock).
#include <cppunit/extensions/HelperMacros.h>

#include <cstdint>
#include <string>
#include <vector>

#include "modules/chan_sip/UpstreamRegistration.h"

using namespace vce::sip;

namespace {

constexpr int64_t kT0 = 1000000;  // ms
constexpr uint32_t kExpires = 3600;

// "send(1,3600) registering>registered": the actions; servers count from 1.
std::string describe(const std::vector<UpstreamAction> &actions, const UpstreamRegistration &r) {
    std::string out;
    for (const UpstreamAction &a : actions) {
        if (!out.empty()) out += ' ';
        switch (a.kind) {
            case UpstreamAction::Kind::Send:
                out +=
                    "send(" + std::to_string(a.server + 1) + "," + std::to_string(a.expires) + ")";
                break;
            case UpstreamAction::Kind::Authenticate:
                out += "authenticate";
                break;
            case UpstreamAction::Kind::Cancel:
                out += "cancel";
                break;
            case UpstreamAction::Kind::StateChange:
                out += std::string(to_string(a.from)) + ">";
                break;
        }
    }
    // The state the machine ended in, after the last change.
    if (!actions.empty() && actions.back().kind == UpstreamAction::Kind::StateChange)
        out += to_string(r.state());
    return out;
}

UpstreamAnswer response(int status) {
    UpstreamAnswer a;
    a.status = status;
    return a;
}
UpstreamAnswer ok(int64_t expires, bool contact = true) {
    UpstreamAnswer a = response(200);
    a.contact_listed = contact;
    a.expires_s = expires;
    return a;
}
UpstreamAnswer no_answer(UpstreamAnswer::Kind k = UpstreamAnswer::Kind::Timeout) {
    UpstreamAnswer a;
    a.kind = k;
    return a;
}

constexpr int64_t kNever = INT64_MAX;
constexpr int64_t kInFlight = -1;  // next wakeup is the answer deadline (32 s)

struct Row {
    const char *what;
    UpstreamAnswer answer;
    const char *expected;
    int64_t wake_in_ms;  // next_wakeup() - kT0, kInFlight, or kNever
};

UpstreamAnswer with(UpstreamAnswer a, int64_t min_expires, int64_t retry_after, bool creds) {
    a.min_expires_s = min_expires;
    a.retry_after_s = retry_after;
    a.credentials_sent = creds;
    return a;
}

// The answer to the first REGISTER, sent to server 1 of 2 asking for 3600 s; jitter 1.
const std::vector<Row> &first_answers() {
    static const std::vector<Row> rows = {
        {"200 with our Contact and Expires", ok(3600), "registering>registered", 2880000},
        {"200 without an expiry: ours", ok(-1), "registering>registered", 2880000},
        {"200 with a shorter expiry", ok(60), "registering>registered", 48000},
        {"200 with a tiny expiry: refreshed halfway", ok(4), "registering>registered", 2000},
        {"200 with an absurd expiry: capped at ours", ok(4294967296LL), "registering>registered",
         2880000},
        {"200 without our Contact: a failure", ok(3600, false), "registering>failing", 30000},
        {"200 with expiry 0: a failure", ok(0), "registering>failing", 30000},
        {"100: still waiting", response(100), "", kInFlight},
        {"183: still waiting", response(183), "", kInFlight},
        {"401: answer the challenge", response(401), "authenticate", kInFlight},
        {"407: answer the challenge", response(407), "authenticate", kInFlight},
        {"401 to our credentials: forbidden", with(response(401), -1, -1, true),
         "registering>forbidden", 3600000},
        {"407 to our credentials: forbidden", with(response(407), -1, -1, true),
         "registering>forbidden", 3600000},
        {"403: forbidden, retried after an hour", response(403), "registering>forbidden", 3600000},
        {"403 with Retry-After 5: still an hour", with(response(403), -1, 5, false),
         "registering>forbidden", 3600000},
        {"423 Min-Expires 7200: again at once", with(response(423), 7200, -1, false),
         "send(1,7200)", kInFlight},
        {"423 Min-Expires below ours: a failure", with(response(423), 100, -1, false),
         "registering>failing", 30000},
        {"423 without Min-Expires: a failure", response(423), "registering>failing", 30000},
        {"423 Min-Expires of 12 days: a failure", with(response(423), 1000000, -1, false),
         "registering>failing", 30000},
        {"503: the next server at once", response(503), "send(2,3600)", kInFlight},
        {"503 Retry-After 120: the next server at once", with(response(503), -1, 120, false),
         "send(2,3600)", kInFlight},
        {"no answer: the next server", no_answer(), "send(2,3600)", kInFlight},
        {"transport error: the next server", no_answer(UpstreamAnswer::Kind::TransportError),
         "send(2,3600)", kInFlight},
        {"302: not followed, a failure", response(302), "registering>failing", 30000},
        {"404", response(404), "registering>failing", 30000},
        {"408 from the server", response(408), "registering>failing", 30000},
        {"480 Retry-After 60", with(response(480), -1, 60, false), "registering>failing", 60000},
        {"500", response(500), "registering>failing", 30000},
        {"500 Retry-After 7200: capped at an hour", with(response(500), -1, 7200, false),
         "registering>failing", 3600000},
        {"603", response(603), "registering>failing", 30000},
    };
    return rows;
}

}  // namespace

class ChanSipUpstreamTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanSipUpstreamTest);
    CPPUNIT_TEST(answers_to_the_first_register);
    CPPUNIT_TEST(a_lost_answer_never_leaves_it_in_progress);
    CPPUNIT_TEST(failover_then_backoff_doubles_with_jitter_up_to_the_cap);
    CPPUNIT_TEST(retry_after_at_the_last_server);
    CPPUNIT_TEST(min_expires_is_followed_once);
    CPPUNIT_TEST(refresh_before_expiry);
    CPPUNIT_TEST(challenge_loop_is_forbidden_and_retried_slowly);
    CPPUNIT_TEST(demand_tries_at_once_only_when_failing);
    CPPUNIT_TEST(a_silent_server_fails_over_or_fails_at_once);
    CPPUNIT_TEST(stop_unregisters_when_registered);
    CPPUNIT_TEST(failing_since_and_last_status);
    CPPUNIT_TEST(answers_with_nothing_out_are_ignored);
    CPPUNIT_TEST_SUITE_END();

public:
    void answers_to_the_first_register() {
        for (const Row &row : first_answers()) {
            UpstreamRegistration r(2, kExpires);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(row.what, std::string("send(1,3600) idle>registering"),
                                         describe(r.start(kT0), r));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(row.what, std::string(row.expected),
                                         describe(r.answer(row.answer, kT0, 1.0), r));
            const int64_t want = row.wake_in_ms == kNever      ? kNever
                                 : row.wake_in_ms == kInFlight ? kT0 + 32000
                                                               : kT0 + row.wake_in_ms;
            CPPUNIT_ASSERT_EQUAL_MESSAGE(row.what, want, r.next_wakeup());
            CPPUNIT_ASSERT_EQUAL_MESSAGE(row.what, row.wake_in_ms == kInFlight, r.in_flight());
        }
    }

    void a_lost_answer_never_leaves_it_in_progress() {
        UpstreamRegistration r(2, kExpires);
        r.start(kT0);
        CPPUNIT_ASSERT_EQUAL(std::string(""), describe(r.tick(kT0 + 31999, 1.0), r));
        CPPUNIT_ASSERT_EQUAL(std::string("cancel send(2,3600)"),
                             describe(r.tick(kT0 + 32000, 1.0), r));
        CPPUNIT_ASSERT_EQUAL(std::string("cancel registering>failing"),
                             describe(r.tick(kT0 + 64000, 1.0), r));
        CPPUNIT_ASSERT(!r.in_flight());
        CPPUNIT_ASSERT_EQUAL(408, r.last_status());
        CPPUNIT_ASSERT_EQUAL(kT0 + 64000 + 30000, r.next_wakeup());
    }

    void failover_then_backoff_doubles_with_jitter_up_to_the_cap() {
        UpstreamRegistration r(2, kExpires);
        int64_t now = kT0;
        r.start(now);
        const int64_t want_s[] = {30, 60, 120, 240, 480, 960, 1800, 1800};
        for (int64_t w : want_s) {
            CPPUNIT_ASSERT_EQUAL(std::string("send(2,3600)"),
                                 describe(r.answer(no_answer(), now, 1.0), r));
            r.answer(no_answer(), now, 1.0);
            CPPUNIT_ASSERT_EQUAL(UpstreamState::Failing, r.state());
            CPPUNIT_ASSERT_EQUAL(now + w * 1000, r.next_wakeup());
            now = r.next_wakeup();
            CPPUNIT_ASSERT_EQUAL(std::string("send(1,3600) failing>registering"),
                                 describe(r.tick(now, 1.0), r));
        }
        // The jitter scales the wait: half of the capped 1800 s at 0.5; out of range is clamped.
        r.answer(no_answer(), now, 1.0);
        r.answer(no_answer(), now, 0.5);
        CPPUNIT_ASSERT_EQUAL(now + 900000, r.next_wakeup());
        r.tick(r.next_wakeup(), 1.0);
        now = r.next_wakeup() - 32000;
        r.answer(no_answer(), now, 1.0);
        r.answer(no_answer(), now, 0.1);
        CPPUNIT_ASSERT_EQUAL(now + 900000, r.next_wakeup());
        // Success resets the backoff.
        r.tick(r.next_wakeup(), 1.0);
        now = r.next_wakeup() - 32000;
        r.answer(ok(3600), now, 1.0);
        CPPUNIT_ASSERT_EQUAL(0, r.failures());
        r.tick(r.next_wakeup(), 1.0);
        now = r.next_wakeup() - 32000;
        r.answer(response(500), now, 1.0);
        CPPUNIT_ASSERT_EQUAL(now + 30000, r.next_wakeup());
    }

    void retry_after_at_the_last_server() {
        UpstreamRegistration r(2, kExpires);
        r.start(kT0);
        r.answer(response(503), kT0, 1.0);  // server 2 next
        CPPUNIT_ASSERT_EQUAL(std::string("registering>failing"),
                             describe(r.answer(with(response(503), -1, 120, false), kT0, 1.0), r));
        CPPUNIT_ASSERT_EQUAL(kT0 + 120000, r.next_wakeup());
        CPPUNIT_ASSERT_EQUAL(std::string("send(1,3600) failing>registering"),
                             describe(r.tick(kT0 + 120000, 1.0), r));
        r.answer(response(503), kT0 + 120000, 1.0);
        r.answer(with(response(503), -1, 99999, false), kT0 + 120000, 1.0);
        CPPUNIT_ASSERT_EQUAL(kT0 + 120000 + 3600000, r.next_wakeup());
    }

    void min_expires_is_followed_once() {
        UpstreamRegistration r(1, kExpires);
        r.start(kT0);
        CPPUNIT_ASSERT_EQUAL(std::string("send(1,7200)"),
                             describe(r.answer(with(response(423), 7200, -1, false), kT0, 1.0), r));
        CPPUNIT_ASSERT_EQUAL(
            std::string("registering>failing"),
            describe(r.answer(with(response(423), 14400, -1, false), kT0, 1.0), r));
        // The next try asks for what the server wanted last time it was followed.
        CPPUNIT_ASSERT_EQUAL(std::string("send(1,7200) failing>registering"),
                             describe(r.tick(r.next_wakeup(), 1.0), r));
        r.answer(ok(7200), r.next_wakeup() - 32000, 1.0);
        CPPUNIT_ASSERT_EQUAL(UpstreamState::Registered, r.state());
    }

    void refresh_before_expiry() {
        UpstreamRegistration r(2, 600);
        r.start(kT0);
        r.answer(no_answer(), kT0, 1.0);  // server 2 answers
        r.answer(ok(600), kT0, 1.0);
        CPPUNIT_ASSERT_EQUAL(kT0 + 600000, r.registered_until());
        CPPUNIT_ASSERT_EQUAL(std::string(""), describe(r.tick(kT0 + 479999, 1.0), r));
        CPPUNIT_ASSERT_EQUAL(std::string("send(2,600) registered>refreshing"),
                             describe(r.tick(kT0 + 480000, 1.0), r));
        CPPUNIT_ASSERT_EQUAL(std::string("refreshing>registered"),
                             describe(r.answer(ok(300), kT0 + 480100, 1.0), r));
        CPPUNIT_ASSERT_EQUAL(kT0 + 480100 + 240000, r.next_wakeup());
        // A refresh without an answer fails over like a first registration.
        r.tick(r.next_wakeup(), 1.0);
        CPPUNIT_ASSERT_EQUAL(std::string("cancel send(1,600) refreshing>registering"),
                             describe(r.tick(r.next_wakeup(), 1.0), r));
        // The round began at server 2: server 1 was the last to try.
        CPPUNIT_ASSERT_EQUAL(std::string("cancel registering>failing"),
                             describe(r.tick(r.next_wakeup(), 1.0), r));
    }

    void challenge_loop_is_forbidden_and_retried_slowly() {
        UpstreamRegistration r(2, kExpires);
        r.start(kT0);
        CPPUNIT_ASSERT_EQUAL(std::string("authenticate"),
                             describe(r.answer(response(401), kT0, 1.0), r));
        CPPUNIT_ASSERT_EQUAL(kT0 + 100 + 32000,
                             (r.answer(response(100), kT0 + 100, 1.0), r.next_wakeup() + 100));
        CPPUNIT_ASSERT_EQUAL(std::string("registering>forbidden"),
                             describe(r.answer(with(response(401), -1, -1, true), kT0, 1.0), r));
        for (int64_t t = kT0; t < kT0 + 3600000; t += 60000) {
            CPPUNIT_ASSERT_EQUAL(std::string(""), describe(r.tick(t, 1.0), r));
            CPPUNIT_ASSERT_EQUAL(std::string(""), describe(r.demand(t), r));
        }
        CPPUNIT_ASSERT_EQUAL(std::string("send(1,3600) forbidden>registering"),
                             describe(r.tick(kT0 + 3600000, 1.0), r));
    }

    void demand_tries_at_once_only_when_failing() {
        UpstreamRegistration r(1, kExpires);
        CPPUNIT_ASSERT_EQUAL(std::string(""), describe(r.demand(kT0), r));  // not started
        r.start(kT0);
        CPPUNIT_ASSERT_EQUAL(std::string(""), describe(r.demand(kT0), r));  // request out
        r.answer(no_answer(), kT0 + 32000, 1.0);
        CPPUNIT_ASSERT_EQUAL(UpstreamState::Failing, r.state());
        CPPUNIT_ASSERT_EQUAL(std::string("send(1,3600) failing>registering"),
                             describe(r.demand(kT0 + 40000), r));
        r.answer(ok(3600), kT0 + 40100, 1.0);
        CPPUNIT_ASSERT_EQUAL(std::string(""), describe(r.demand(kT0 + 50000), r));
    }

    void a_silent_server_fails_over_or_fails_at_once() {
        // One server: registered, then silent -> failing with the backoff; demand (the server
        // answers a keepalive again) tries at once.
        UpstreamRegistration r(1, kExpires);
        CPPUNIT_ASSERT_EQUAL(std::string(""), describe(r.silent(kT0, 1.0), r));  // not started
        r.start(kT0);
        CPPUNIT_ASSERT_EQUAL(std::string(""), describe(r.silent(kT0, 1.0), r));  // registering
        r.answer(ok(3600), kT0 + 100, 1.0);
        CPPUNIT_ASSERT_EQUAL(std::string("registered>failing"),
                             describe(r.silent(kT0 + 5000, 1.0), r));
        CPPUNIT_ASSERT_EQUAL(408, r.last_status());
        CPPUNIT_ASSERT_EQUAL(kT0 + 5000, r.failing_since());
        CPPUNIT_ASSERT_EQUAL(kT0 + 5000 + 30000, r.next_wakeup());
        CPPUNIT_ASSERT_EQUAL(std::string(""), describe(r.silent(kT0 + 6000, 1.0), r));  // again
        CPPUNIT_ASSERT_EQUAL(std::string("send(1,3600) failing>registering"),
                             describe(r.demand(kT0 + 9000), r));
        // Two servers, silent while the refresh is out: the refresh is given up and the other
        // server is tried at once.
        UpstreamRegistration q(2, kExpires);
        q.start(kT0);
        q.answer(ok(60), kT0, 1.0);
        CPPUNIT_ASSERT_EQUAL(std::string("send(1,3600) registered>refreshing"),
                             describe(q.tick(kT0 + 48000, 1.0), q));
        CPPUNIT_ASSERT_EQUAL(std::string("cancel send(2,3600) refreshing>registering"),
                             describe(q.silent(kT0 + 49000, 1.0), q));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), q.server());
        // Stopping: nothing to do for silence.
        UpstreamRegistration s(1, kExpires);
        s.start(kT0);
        s.answer(ok(3600), kT0, 1.0);
        s.stop(kT0 + 1000);
        CPPUNIT_ASSERT_EQUAL(std::string(""), describe(s.silent(kT0 + 1100, 1.0), s));
    }

    void stop_unregisters_when_registered() {
        UpstreamRegistration r(1, kExpires);
        r.start(kT0);
        r.answer(ok(3600), kT0, 1.0);
        CPPUNIT_ASSERT_EQUAL(std::string("send(1,0)"), describe(r.stop(kT0 + 1000), r));
        CPPUNIT_ASSERT_EQUAL(std::string("registered>stopped"),
                             describe(r.answer(ok(0), kT0 + 1100, 1.0), r));
        CPPUNIT_ASSERT_EQUAL(kNever, r.next_wakeup());
        CPPUNIT_ASSERT_EQUAL(int64_t(0), r.registered_until());
        // A stop while a REGISTER is out and nothing is registered: cancel, stopped at once.
        UpstreamRegistration q(1, kExpires);
        q.start(kT0);
        CPPUNIT_ASSERT_EQUAL(std::string("cancel registering>stopped"), describe(q.stop(kT0), q));
        // Unregistering gets no answer: one try, then stopped (no failover, no retries).
        UpstreamRegistration u(2, kExpires);
        u.start(kT0);
        u.answer(ok(3600), kT0, 1.0);
        u.stop(kT0 + 1000);
        CPPUNIT_ASSERT_EQUAL(std::string("cancel registered>stopped"),
                             describe(u.tick(kT0 + 33000, 1.0), u));
        CPPUNIT_ASSERT_EQUAL(kNever, u.next_wakeup());
        // Started again after a stop.
        CPPUNIT_ASSERT_EQUAL(std::string("send(1,3600) stopped>registering"),
                             describe(u.start(kT0 + 40000), u));
    }

    void failing_since_and_last_status() {
        UpstreamRegistration r(1, kExpires);
        r.start(kT0);
        r.answer(response(500), kT0 + 10, 1.0);
        CPPUNIT_ASSERT_EQUAL(kT0 + 10, r.failing_since());
        CPPUNIT_ASSERT_EQUAL(500, r.last_status());
        r.tick(r.next_wakeup(), 1.0);
        r.answer(response(404), kT0 + 50000, 1.0);
        CPPUNIT_ASSERT_EQUAL(kT0 + 10, r.failing_since());  // since the first failure
        CPPUNIT_ASSERT_EQUAL(404, r.last_status());
        r.tick(r.next_wakeup(), 1.0);
        r.answer(ok(3600), kT0 + 200000, 1.0);
        CPPUNIT_ASSERT_EQUAL(int64_t(0), r.failing_since());
        CPPUNIT_ASSERT_EQUAL(200, r.last_status());
    }

    void answers_with_nothing_out_are_ignored() {
        UpstreamRegistration r(1, kExpires);
        CPPUNIT_ASSERT_EQUAL(std::string(""), describe(r.answer(ok(3600), kT0, 1.0), r));
        CPPUNIT_ASSERT_EQUAL(UpstreamState::Idle, r.state());
        r.start(kT0);
        r.answer(ok(3600), kT0, 1.0);
        // A second (duplicated or forged) final answer changes nothing.
        CPPUNIT_ASSERT_EQUAL(std::string(""), describe(r.answer(response(403), kT0, 1.0), r));
        CPPUNIT_ASSERT_EQUAL(UpstreamState::Registered, r.state());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanSipUpstreamTest);
