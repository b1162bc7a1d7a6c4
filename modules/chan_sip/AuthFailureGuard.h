// Password guessing: counts authentication failures per source address and per account in a
// sliding window, blocks a source that fails too often and throttles an account guessed at
// from many sources. Pure logic, the clock passed in (seconds); no I/O, no logging (it says
// what started, the caller logs). Shared by the SIP threads: every method locks.
//
// The rules, with limit L, window W and block B:
// - A source with L failures within W is blocked for B: the caller refuses its requests that
//   need authentication (403, no challenge, no digest work). When the block ends its count
//   starts again from nothing.
// - An account with L failures within W, from more than one source, is throttled (the
//   failures of a source blocked by its own count no longer count for it): each
//   further failure for it doubles a lock-out (first_lockout, 2x, 4x... at most B) and the
//   source that failed is blocked for that long. A source that authenticated as the account
//   within owner_memory is the owner's phone: its failures for that account neither count
//   nor lock it out. A correct answer from a source that is not blocked is always accepted
//   (the caller checks the password; the guard only ever refuses blocked sources).
//   The throttle ends once no failure came for W after its last lock-out.
// - Failures are counted for any user name, existing or not (the answer to the client must
//   not tell them apart).
// - Trusted sources (the caller knows them: flood_trusted, trusted peers, upstream servers)
//   are never counted nor refused.
// - At most max_sources sources and max_accounts accounts are tracked: a new one forgets the
//   least recently failing one that is not blocked or throttled (then the oldest block), so a
//   flood from spoofed addresses cannot grow the tables nor lift real blocks cheaply.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace vce::sip {

struct AuthGuardSettings {
    unsigned limit = 10;         // failures within `window`; 0 = the guard is off
    double window = 60;          // seconds
    double block = 900;          // seconds a source is blocked; the longest account lock-out
    double first_lockout = 1;    // an account's lock-out after its limit, doubling per failure
    double owner_memory = 3600;  // a success this recent makes the source the account's owner
    size_t max_sources = 10000, max_accounts = 10000;
    static constexpr unsigned kMaxLimit = 100;  // failure times kept per entry
};

// Something a failure started: worth one SECURITY line.
struct AuthGuardEvent {
    enum Kind { SourceBlocked, AccountThrottled } kind;
    std::string ip, account;  // the source that failed; the user name it tried
    unsigned failures = 0;    // SourceBlocked: the source's in the window; else the account's
    double seconds = 0;       // how long the source is blocked / the account's first lock-out
    std::string why;          // SourceBlocked: "10 failures in 60 s" or "... throttled account"
};

// What `sip show security` lists.
struct AuthGuardView {
    struct Source {
        std::string ip, account, why;  // account: the last user name it tried
        unsigned failures = 0;
        double since = 0, until = 0;
    };
    struct Account {
        std::string account;
        unsigned failures = 0;        // since the throttle began, the limit included
        unsigned sources_locked = 0;  // sources blocked for failing at it
        double since = 0, until = 0;  // until: the end of the current lock-out
        double lockout = 0;           // its current length
    };
    std::vector<Source> sources;    // blocked now, soonest to end first
    std::vector<Account> accounts;  // throttled now
    size_t tracked_sources = 0, tracked_accounts = 0;
};

class AuthFailureGuard {
public:
    explicit AuthFailureGuard(AuthGuardSettings s = {});
    const AuthGuardSettings &settings() const { return s_; }
    bool enabled() const { return s_.limit > 0; }

    // Any thread, before any digest work. false: `ip` is blocked, refuse the request.
    bool admit(const std::string &ip, double now);
    // Any thread: a request from `ip` named `account` and its password was wrong (or the
    // account is unknown or disabled). Returns the blocks this failure started.
    std::vector<AuthGuardEvent> failed(const std::string &ip, const std::string &account,
                                       bool trusted, double now);
    // Any thread: `ip` authenticated as `account`.
    void succeeded(const std::string &ip, const std::string &account, double now);
    // Any thread: forget what has ended (the first SIP thread calls it every second).
    void purge(double now);
    AuthGuardView view(double now) const;

private:
    // A table with a bound: entries in two queues, each least recently touched first. `held`
    // ones (blocked, throttled) are forgotten only when no other is left.
    template <class Entry>
    class Table {
    public:
        explicit Table(size_t cap) : cap_(cap) {}
        Entry *find(const std::string &key);
        const Entry *find(const std::string &key) const;
        Entry &touch(const std::string &key);          // found or made; to the back of its queue
        void hold(const std::string &key, bool held);  // moves it to the other queue
        void erase(const std::string &key);
        size_t size() const { return map_.size(); }
        template <class F>
        void each(F f) const {
            for (const auto &[k, slot] : map_) f(k, slot.e);
        }
        template <class F>
        void erase_if(F f);

    private:
        struct Slot {
            Entry e;
            bool held = false;
            std::list<const std::string *>::iterator pos;
        };
        std::list<const std::string *> &queue(bool held) { return held ? held_ : free_; }
        size_t cap_;
        std::unordered_map<std::string, Slot> map_;
        std::list<const std::string *> free_, held_;
    };
    // Failure times in the window, the newest last, with a tag of who failed.
    struct Failures {
        std::vector<std::pair<double, uint32_t>> at;
        void add(double now, uint32_t who, double window, unsigned keep);
        void slide(double now, double window);
        void forget(uint32_t who);  // drops the failures of one source
        bool several_sources() const;
    };
    struct SourceState {
        Failures fails;
        std::string account;          // the last user name it tried
        double since = 0, until = 0;  // blocked: until > 0
        unsigned failures = 0;
        std::string why;
    };
    struct AccountState {
        Failures fails;
        double since = 0, until = 0, lockout = 0;  // throttled: lockout > 0
        unsigned failures = 0, sources_locked = 0;
    };
    // Blocks `ip` (locked); the event to report.
    AuthGuardEvent block(SourceState &st, const std::string &ip, const std::string &account,
                         double now, double seconds, std::string why);
    bool owner(const std::string &ip, const std::string &account, double now) const;

    AuthGuardSettings s_;
    mutable std::mutex mutex_;
    Table<SourceState> sources_;
    Table<AccountState> accounts_;
    Table<double> owners_;  // "ip\naccount" -> the last success
};

}  // namespace vce::sip
