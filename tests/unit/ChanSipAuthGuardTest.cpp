// chan_sip's AuthFailureGuard (password guessing): a source blocked after the limit, the window
// sliding, blocks ending, trusted sources exempt, an account guessed at from many sources
// throttled while its owner's phones keep working, and the bound on what is tracked. The
// sip.conf keys that set it, with their refusals.
#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

#include "modules/chan_sip/AuthFailureGuard.h"
#include "modules/chan_sip/SipConfig.h"

using namespace vce;
using namespace vce::sip;

namespace {

AuthGuardSettings settings(unsigned limit = 10, double window = 60, double block = 900) {
    AuthGuardSettings s;
    s.limit = limit;
    s.window = window;
    s.block = block;
    return s;
}

std::string ip_n(int i) {
    return "192.0.2." + std::to_string(i % 250) + (i >= 250 ? "." + std::to_string(i) : "");
}

// The events of one failure, as "kind:ip:account:failures:seconds".
std::vector<std::string> fail(AuthFailureGuard &g, const std::string &ip, const std::string &acct,
                              double now, bool trusted = false) {
    std::vector<std::string> out;
    for (const auto &e : g.failed(ip, acct, trusted, now))
        out.push_back(
            std::string(e.kind == AuthGuardEvent::SourceBlocked ? "blocked" : "throttled") + ":" +
            e.ip + ":" + e.account + ":" + std::to_string(e.failures) + ":" +
            std::to_string(static_cast<long>(e.seconds)));
    return out;
}

std::string join(const std::vector<std::string> &v) {
    std::string s;
    for (const auto &e : v) s += (s.empty() ? "" : " ") + e;
    return s;
}

std::string refusal(const std::string &general) {
    try {
        SipConfig::from(Config::parse("[general]\nbind = 127.0.0.1:5060\n" + general, "sip.conf"));
        return "";
    } catch (const ConfigError &e) {
        return e.what();
    }
}

}  // namespace

class ChanSipAuthGuardTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanSipAuthGuardTest);
    CPPUNIT_TEST(blocks_after_the_limit);
    CPPUNIT_TEST(one_event_per_block);
    CPPUNIT_TEST(the_window_slides);
    CPPUNIT_TEST(blocks_end);
    CPPUNIT_TEST(trusted_sources_are_exempt);
    CPPUNIT_TEST(off_when_the_limit_is_zero);
    CPPUNIT_TEST(distributed_guessing_throttles_the_account);
    CPPUNIT_TEST(lockout_doubles_up_to_the_block);
    CPPUNIT_TEST(owner_phone_keeps_working_during_a_throttle);
    CPPUNIT_TEST(one_source_alone_does_not_throttle_an_account);
    CPPUNIT_TEST(unknown_user_names_count_the_same);
    CPPUNIT_TEST(throttle_ends_after_a_quiet_window);
    CPPUNIT_TEST(tracked_sources_are_capped);
    CPPUNIT_TEST(a_spoofed_flood_does_not_lift_blocks);
    CPPUNIT_TEST(tracked_accounts_are_capped);
    CPPUNIT_TEST(purge_forgets_what_ended);
    CPPUNIT_TEST(view_lists_blocks_and_throttles);
    CPPUNIT_TEST(config_keys_and_refusals);
    CPPUNIT_TEST_SUITE_END();

public:
    void blocks_after_the_limit() {
        // limit, failures (one per 0.05 s, 20/s), admitted afterwards
        const struct {
            unsigned limit;
            int failures;
            bool admitted;
        } rows[] = {{10, 9, true}, {10, 10, false}, {10, 30, false}, {1, 1, false},
                    {3, 2, true},  {3, 3, false},   {100, 99, true}, {100, 100, false}};
        for (const auto &r : rows) {
            AuthFailureGuard g(settings(r.limit));
            for (int i = 0; i < r.failures; ++i) {
                if (!g.admit("198.51.100.7", i * 0.05)) break;
                g.failed("198.51.100.7", "1000", false, i * 0.05);
            }
            const std::string what = "limit " + std::to_string(r.limit) + ", " +
                                     std::to_string(r.failures) + " failures";
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, r.admitted,
                                         g.admit("198.51.100.7", 2.0 * r.failures));
            CPPUNIT_ASSERT_MESSAGE(what, g.admit("198.51.100.8", 10));  // another source
        }
    }

    void one_event_per_block() {
        AuthFailureGuard g(settings(10));
        for (int i = 0; i < 9; ++i) CPPUNIT_ASSERT(fail(g, "198.51.100.7", "1000", i).empty());
        CPPUNIT_ASSERT_EQUAL(std::string("blocked:198.51.100.7:1000:10:900"),
                             join(fail(g, "198.51.100.7", "1000", 9)));
        // A request already under way on another SIP thread fails after the block: no second line.
        CPPUNIT_ASSERT(fail(g, "198.51.100.7", "1000", 9.5).empty());
        CPPUNIT_ASSERT(!g.admit("198.51.100.7", 10));
    }

    void the_window_slides() {
        // failure times; blocked after the last one (limit 3, window 60)
        const struct {
            std::vector<double> at;
            bool blocked;
        } rows[] = {
            {{0, 1, 2}, true},       {{0, 30, 59.9}, true},     {{0, 30, 60}, false},
            {{0, 59, 119}, false},   {{0, 59, 100, 110}, true}, {{0, 100, 200, 300}, false},
            {{0, 61, 62, 63}, true},
        };
        for (const auto &r : rows) {
            AuthFailureGuard g(settings(3, 60));
            for (double t : r.at) g.failed("198.51.100.7", "1000", false, t);
            std::string what = "failures at";
            for (double t : r.at) what += " " + std::to_string(t);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, r.blocked, !g.admit("198.51.100.7", r.at.back()));
        }
    }

    void blocks_end() {
        AuthFailureGuard g(settings(10, 60, 900));
        for (int i = 0; i < 10; ++i) g.failed("198.51.100.7", "1000", false, 100 + i * 0.1);
        const double at = 100 + 0.9;
        CPPUNIT_ASSERT(!g.admit("198.51.100.7", at + 1));
        CPPUNIT_ASSERT(!g.admit("198.51.100.7", at + 899.9));
        CPPUNIT_ASSERT(g.admit("198.51.100.7", at + 900));  // challenged again
        // Its count starts again from nothing: 9 more failures do not block it.
        for (int i = 0; i < 9; ++i) g.failed("198.51.100.7", "1000", false, at + 901 + i);
        CPPUNIT_ASSERT(g.admit("198.51.100.7", at + 910));
        CPPUNIT_ASSERT_EQUAL(size_t(1), fail(g, "198.51.100.7", "1000", at + 911).size());
        CPPUNIT_ASSERT(!g.admit("198.51.100.7", at + 912));
    }

    void trusted_sources_are_exempt() {
        AuthFailureGuard g(settings(3));
        for (int i = 0; i < 100; ++i)
            CPPUNIT_ASSERT(fail(g, "192.0.2.10", "1000", i * 0.01, true).empty());
        CPPUNIT_ASSERT(g.admit("192.0.2.10", 2));
        // Nor do a trusted peer's failures count against the account.
        for (int i = 0; i < 9; ++i) g.failed(ip_n(i), "2000", true, 3);
        CPPUNIT_ASSERT(fail(g, "198.51.100.1", "2000", 3).empty());
        CPPUNIT_ASSERT_EQUAL(size_t(0), g.view(3).accounts.size());
        CPPUNIT_ASSERT_EQUAL(size_t(1), g.view(3).tracked_sources);
    }

    void off_when_the_limit_is_zero() {
        AuthFailureGuard g(settings(0));
        CPPUNIT_ASSERT(!g.enabled());
        for (int i = 0; i < 1000; ++i)
            CPPUNIT_ASSERT(fail(g, ip_n(i % 3), "1000", i * 0.01).empty());
        CPPUNIT_ASSERT(g.admit(ip_n(0), 20));
        CPPUNIT_ASSERT_EQUAL(size_t(0), g.view(20).tracked_sources);
    }

    void distributed_guessing_throttles_the_account() {
        AuthFailureGuard g(settings(10, 60, 900));
        // 5 sources, 2 guesses each: no source reaches the limit, the account does.
        std::vector<std::string> events;
        for (int i = 0; i < 10; ++i)
            for (const auto &e : fail(g, ip_n(i % 5), "2000", i * 0.1)) events.push_back(e);
        CPPUNIT_ASSERT_EQUAL(std::string("throttled:192.0.2.4:2000:10:1"), join(events));
        for (int i = 0; i < 5; ++i) CPPUNIT_ASSERT(g.admit(ip_n(i), 1.0));
        // The next failure for it blocks its source for the doubled lock-out (2 s).
        CPPUNIT_ASSERT_EQUAL(std::string("blocked:192.0.2.0:2000:3:2"),
                             join(fail(g, ip_n(0), "2000", 1.0)));
        CPPUNIT_ASSERT(!g.admit(ip_n(0), 2.9));
        CPPUNIT_ASSERT(g.admit(ip_n(0), 3.0));
        CPPUNIT_ASSERT(g.admit(ip_n(1), 2.9));  // the others are not blocked
        // Other accounts from those sources are not throttled.
        CPPUNIT_ASSERT(fail(g, ip_n(1), "3000", 1.1).empty());
        CPPUNIT_ASSERT(g.admit(ip_n(1), 1.2));
    }

    void lockout_doubles_up_to_the_block() {
        AuthFailureGuard g(settings(10, 60, 30));
        for (int i = 0; i < 10; ++i) g.failed(ip_n(i), "2000", false, 0);
        // Each further failure, from a fresh source: its block (the lock-out) in seconds.
        const long expect[] = {2, 4, 8, 16, 30, 30, 30};
        double t = 1;
        int src = 100;
        for (long secs : expect) {
            const auto ev = fail(g, ip_n(src), "2000", t);
            CPPUNIT_ASSERT_EQUAL(size_t(1), ev.size());
            CPPUNIT_ASSERT_EQUAL("blocked:" + ip_n(src) + ":2000:1:" + std::to_string(secs), ev[0]);
            CPPUNIT_ASSERT(!g.admit(ip_n(src), t + secs - 0.1));
            CPPUNIT_ASSERT(g.admit(ip_n(src), t + secs));
            ++src;
            t += 1;
        }
        CPPUNIT_ASSERT_EQUAL(size_t(1), g.view(t).accounts.size());
        CPPUNIT_ASSERT_EQUAL(unsigned(17), g.view(t).accounts[0].failures);
        CPPUNIT_ASSERT_EQUAL(unsigned(7), g.view(t).accounts[0].sources_locked);
    }

    void owner_phone_keeps_working_during_a_throttle() {
        AuthFailureGuard g(settings(10, 60, 900));
        const std::string phone = "203.0.113.5";
        g.succeeded(phone, "2000", 0);  // the owner's phone registered
        for (int i = 0; i < 10; ++i) g.failed(ip_n(i), "2000", false, 10 + i * 0.1);
        CPPUNIT_ASSERT_EQUAL(size_t(1), g.view(12).accounts.size());
        // The phone (a typo after a password change, say) is neither counted nor locked out.
        for (int i = 0; i < 5; ++i) CPPUNIT_ASSERT(fail(g, phone, "2000", 12 + i).empty());
        CPPUNIT_ASSERT(g.admit(phone, 20));
        CPPUNIT_ASSERT_EQUAL(unsigned(10), g.view(20).accounts[0].failures);
        // The owner's new phone at a fresh address is admitted: its correct answer is accepted
        // (the caller checks the password) and it is the owner's from then on.
        CPPUNIT_ASSERT(g.admit("203.0.113.6", 20));
        g.succeeded("203.0.113.6", "2000", 20);
        CPPUNIT_ASSERT(fail(g, "203.0.113.6", "2000", 21).empty());
        CPPUNIT_ASSERT(g.admit("203.0.113.6", 21));
        // A success an hour and more ago no longer counts: the address fails like anyone's.
        AuthFailureGuard k(settings(10, 60, 900));
        k.succeeded(phone, "2000", 0);
        for (int i = 0; i < 10; ++i) k.failed(ip_n(i), "2000", false, 3595 + i * 0.1);
        CPPUNIT_ASSERT(fail(k, phone, "2000", 3599).empty());
        CPPUNIT_ASSERT_EQUAL(std::string("blocked:203.0.113.5:2000:2:2"),
                             join(fail(k, phone, "2000", 3601)));
        CPPUNIT_ASSERT(!k.admit(phone, 3602));
        // Its own source limit still holds for the owner's address (10 failures).
        AuthFailureGuard h(settings(10));
        h.succeeded(phone, "2000", 0);
        for (int i = 0; i < 10; ++i) h.failed(phone, "2000", false, 1 + i);
        CPPUNIT_ASSERT(!h.admit(phone, 11));
    }

    void one_source_alone_does_not_throttle_an_account() {
        AuthFailureGuard g(settings(10));
        std::vector<std::string> events;
        for (int i = 0; i < 10; ++i)
            for (const auto &e : fail(g, "198.51.100.7", "1000", i)) events.push_back(e);
        CPPUNIT_ASSERT_EQUAL(std::string("blocked:198.51.100.7:1000:10:900"), join(events));
        CPPUNIT_ASSERT_EQUAL(size_t(0), g.view(10).accounts.size());
        CPPUNIT_ASSERT(g.admit("198.51.100.8", 10));
        CPPUNIT_ASSERT(fail(g, "198.51.100.8", "1000", 10).empty());  // no lock-out for others
    }

    void unknown_user_names_count_the_same() {
        // The guard cannot tell (and must not treat differently) names with no account.
        for (const std::string acct : {"2000", "no-such-user-9999"}) {
            AuthFailureGuard g(settings(10));
            std::vector<std::string> events;
            for (int i = 0; i < 11; ++i)
                for (const auto &e : fail(g, ip_n(i % 5), acct, i)) events.push_back(e);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(acct, size_t(2), events.size());
            CPPUNIT_ASSERT_EQUAL(std::string("throttled:192.0.2.4:" + acct + ":10:1"), events[0]);
            CPPUNIT_ASSERT_EQUAL(std::string("blocked:192.0.2.0:" + acct + ":3:2"), events[1]);
        }
    }

    void throttle_ends_after_a_quiet_window() {
        AuthFailureGuard g(settings(10, 60, 900));
        for (int i = 0; i < 10; ++i) g.failed(ip_n(i), "2000", false, 0);
        fail(g, ip_n(20), "2000", 1);  // lock-out 2 s, until 3
        CPPUNIT_ASSERT_EQUAL(size_t(1), g.view(62.9).accounts.size());
        CPPUNIT_ASSERT_EQUAL(size_t(0), g.view(63).accounts.size());
        // A failure after that starts a new count: no lock-out, no event.
        CPPUNIT_ASSERT(fail(g, ip_n(21), "2000", 63).empty());
        CPPUNIT_ASSERT(g.admit(ip_n(21), 63.1));
    }

    void tracked_sources_are_capped() {
        AuthGuardSettings s = settings(10);
        s.max_sources = 100;
        AuthFailureGuard g(s);
        for (int i = 0; i < 10000; ++i)
            g.failed("10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250), "", false,
                     i * 0.001);
        CPPUNIT_ASSERT_EQUAL(size_t(100), g.view(10).tracked_sources);
        // The oldest went first: the newest source still has its failure counted.
        for (int i = 0; i < 9; ++i) g.failed("10.0.39.249", "", false, 10);
        CPPUNIT_ASSERT(!g.admit("10.0.39.249", 10));
        for (int i = 0; i < 9; ++i) g.failed("10.0.0.0", "", false, 10);  // forgotten: 9 of 10
        CPPUNIT_ASSERT(g.admit("10.0.0.0", 10));
    }

    void a_spoofed_flood_does_not_lift_blocks() {
        AuthGuardSettings s = settings(10);
        s.max_sources = 50;
        AuthFailureGuard g(s);
        for (int i = 0; i < 10; ++i) g.failed("198.51.100.7", "1000", false, i * 0.1);
        CPPUNIT_ASSERT(!g.admit("198.51.100.7", 1));
        // One failure each from 100000 forged addresses.
        for (int i = 0; i < 100000; ++i)
            g.failed("10." + std::to_string(i / 65536) + "." + std::to_string(i / 256 % 256) + "." +
                         std::to_string(i % 256),
                     "u" + std::to_string(i), false, 1 + i * 1e-5);
        CPPUNIT_ASSERT_EQUAL(size_t(50), g.view(3).tracked_sources);
        CPPUNIT_ASSERT(!g.admit("198.51.100.7", 3));  // still blocked
        // When every tracked source is blocked, a new block replaces the oldest one.
        AuthGuardSettings t = settings(1);
        t.max_sources = 3;
        AuthFailureGuard h(t);
        for (int i = 0; i < 4; ++i) h.failed(ip_n(i), "", false, i);
        CPPUNIT_ASSERT_EQUAL(size_t(3), h.view(5).sources.size());
        CPPUNIT_ASSERT(h.admit(ip_n(0), 5));
        CPPUNIT_ASSERT(!h.admit(ip_n(3), 5));
    }

    void tracked_accounts_are_capped() {
        AuthGuardSettings s = settings(10);
        s.max_accounts = 20;
        AuthFailureGuard g(s);
        for (int i = 0; i < 5000; ++i)
            g.failed(ip_n(i % 7), "user" + std::to_string(i), false, i * 0.001);
        CPPUNIT_ASSERT_EQUAL(size_t(20), g.view(6).tracked_accounts);
        // A very long user name is tracked by its start (bounded per entry too).
        AuthFailureGuard h(settings(10));
        for (int i = 0; i < 10; ++i) h.failed(ip_n(i), std::string(100000, 'x'), false, 0);
        const AuthGuardView v = h.view(0);
        CPPUNIT_ASSERT_EQUAL(size_t(1), v.accounts.size());
        CPPUNIT_ASSERT(v.accounts[0].account.size() <= 128);
    }

    void purge_forgets_what_ended() {
        AuthFailureGuard g(settings(10, 60, 900));
        g.failed("198.51.100.1", "a", false, 0);  // counting, idle after 60 s
        for (int i = 0; i < 10; ++i) g.failed("198.51.100.2", "b", false, 0);  // blocked to 900
        g.succeeded("203.0.113.5", "c", 0);
        g.purge(30);
        CPPUNIT_ASSERT_EQUAL(size_t(2), g.view(30).tracked_sources);
        g.purge(61);
        CPPUNIT_ASSERT_EQUAL(size_t(1), g.view(61).tracked_sources);
        CPPUNIT_ASSERT_EQUAL(size_t(0), g.view(61).tracked_accounts);
        g.purge(900);
        CPPUNIT_ASSERT_EQUAL(size_t(0), g.view(900).tracked_sources);
        CPPUNIT_ASSERT(g.admit("198.51.100.2", 900));
    }

    void view_lists_blocks_and_throttles() {
        AuthFailureGuard g(settings(10, 60, 900));
        for (int i = 0; i < 10; ++i) g.failed("198.51.100.7", "1000", false, 100 + i);
        for (int i = 0; i < 10; ++i) g.failed(ip_n(i), "2000", false, 200);
        const AuthGuardView v = g.view(210);
        CPPUNIT_ASSERT_EQUAL(size_t(1), v.sources.size());
        CPPUNIT_ASSERT_EQUAL(std::string("198.51.100.7"), v.sources[0].ip);
        CPPUNIT_ASSERT_EQUAL(std::string("1000"), v.sources[0].account);
        CPPUNIT_ASSERT_EQUAL(unsigned(10), v.sources[0].failures);
        CPPUNIT_ASSERT_EQUAL(std::string("10 failures in 60 s"), v.sources[0].why);
        CPPUNIT_ASSERT_EQUAL(109.0, v.sources[0].since);
        CPPUNIT_ASSERT_EQUAL(1009.0, v.sources[0].until);
        CPPUNIT_ASSERT_EQUAL(size_t(1), v.accounts.size());
        CPPUNIT_ASSERT_EQUAL(std::string("2000"), v.accounts[0].account);
        CPPUNIT_ASSERT_EQUAL(unsigned(10), v.accounts[0].failures);
        CPPUNIT_ASSERT_EQUAL(200.0, v.accounts[0].since);
        CPPUNIT_ASSERT_EQUAL(201.0, v.accounts[0].until);
    }

    void config_keys_and_refusals() {
        SipConfig d = SipConfig::from(Config::parse("[general]\n", "sip.conf"));
        CPPUNIT_ASSERT_EQUAL(10u, d.auth_fail_limit);
        CPPUNIT_ASSERT_EQUAL(60, d.auth_fail_window);
        CPPUNIT_ASSERT_EQUAL(900, d.auth_block_seconds);
        SipConfig c = SipConfig::from(Config::parse(
            "[general]\nauth_fail_limit = 0\nauth_fail_window = 30\nauth_block_seconds = 5\n",
            "sip.conf"));
        CPPUNIT_ASSERT_EQUAL(0u, c.auth_fail_limit);
        CPPUNIT_ASSERT_EQUAL(30, c.auth_fail_window);
        CPPUNIT_ASSERT_EQUAL(5, c.auth_block_seconds);
        const struct {
            const char *line, *refusal;
        } rows[] = {
            {"auth_fail_limit = 10", ""},
            {"auth_fail_limit = -1", "sip.conf:3: auth_fail_limit is the number of failed"},
            {"auth_fail_limit = 101", "1..100 (0: off), got 101"},
            {"auth_fail_limit = ten", "sip.conf:3: expected a whole number for 'auth_fail_limit'"},
            {"auth_fail_window = 0", "sip.conf:3: auth_fail_window is in seconds, 1..86400, got 0"},
            {"auth_fail_window = 86401", "auth_fail_window is in seconds"},
            {"auth_block_seconds = 0", "sip.conf:3: auth_block_seconds is in seconds, 1..604800"},
            {"auth_block_seconds = 1s", "expected a whole number for 'auth_block_seconds'"},
        };
        for (const auto &r : rows) {
            const std::string got = refusal(std::string(r.line) + "\n");
            if (std::string(r.refusal).empty())
                CPPUNIT_ASSERT_EQUAL_MESSAGE(r.line, std::string(), got);
            else
                CPPUNIT_ASSERT_MESSAGE(r.line + std::string(" -> ") + got,
                                       got.find(r.refusal) != std::string::npos);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanSipAuthGuardTest);
