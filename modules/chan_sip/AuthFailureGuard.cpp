// Authentication failures per source and per account: blocks, lock-outs, bounded tables.
#include "AuthFailureGuard.h"

#include <algorithm>
#include <cstdio>
#include <functional>

namespace vce::sip {

namespace {

constexpr size_t kMaxAccountChars = 128;  // longer user names are tracked by their start

std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", s);
    return buf;
}

}  // namespace

// --- Table ------------------------------------------------------------------------------

template <class Entry>
Entry *AuthFailureGuard::Table<Entry>::find(const std::string &key) {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second.e;
}

template <class Entry>
const Entry *AuthFailureGuard::Table<Entry>::find(const std::string &key) const {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second.e;
}

template <class Entry>
Entry &AuthFailureGuard::Table<Entry>::touch(const std::string &key) {
    auto it = map_.find(key);
    if (it != map_.end()) {
        auto &q = queue(it->second.held);
        q.splice(q.end(), q, it->second.pos);
        return it->second.e;
    }
    if (map_.size() >= cap_) erase(**(free_.empty() ? held_ : free_).begin());
    it = map_.emplace(key, Slot{}).first;
    free_.push_back(&it->first);
    it->second.pos = std::prev(free_.end());
    return it->second.e;
}

template <class Entry>
void AuthFailureGuard::Table<Entry>::hold(const std::string &key, bool held) {
    auto it = map_.find(key);
    if (it == map_.end() || it->second.held == held) return;
    auto &from = queue(it->second.held), &to = queue(held);
    to.splice(to.end(), from, it->second.pos);
    it->second.held = held;
}

template <class Entry>
void AuthFailureGuard::Table<Entry>::erase(const std::string &key) {
    auto it = map_.find(key);
    if (it == map_.end()) return;
    queue(it->second.held).erase(it->second.pos);
    map_.erase(it);
}

template <class Entry>
template <class F>
void AuthFailureGuard::Table<Entry>::erase_if(F f) {
    for (auto it = map_.begin(); it != map_.end();) {
        if (f(it->second.e)) {
            queue(it->second.held).erase(it->second.pos);
            it = map_.erase(it);
        } else {
            ++it;
        }
    }
}

// --- Failures ---------------------------------------------------------------------------

void AuthFailureGuard::Failures::slide(double now, double window) {
    auto keep = std::find_if(at.begin(), at.end(), [&](auto &f) { return f.first > now - window; });
    at.erase(at.begin(), keep);
}

void AuthFailureGuard::Failures::add(double now, uint32_t who, double window, unsigned keep) {
    slide(now, window);
    at.emplace_back(now, who);
    if (at.size() > keep) at.erase(at.begin(), at.begin() + (at.size() - keep));
}

void AuthFailureGuard::Failures::forget(uint32_t who) {
    at.erase(std::remove_if(at.begin(), at.end(), [who](auto &f) { return f.second == who; }),
             at.end());
}

bool AuthFailureGuard::Failures::several_sources() const {
    for (const auto &f : at)
        if (f.second != at.front().second) return true;
    return false;
}

// --- the guard --------------------------------------------------------------------------

AuthFailureGuard::AuthFailureGuard(AuthGuardSettings s)
    : s_(s),
      sources_(std::max<size_t>(1, s.max_sources)),
      accounts_(std::max<size_t>(1, s.max_accounts)),
      owners_(std::max<size_t>(1, s.max_accounts)) {
    s_.limit = std::min(s_.limit, AuthGuardSettings::kMaxLimit);
}

bool AuthFailureGuard::admit(const std::string &ip, double now) {
    if (!enabled()) return true;  // off: no lock on the hot path
    std::lock_guard<std::mutex> lock(mutex_);
    const SourceState *st = sources_.find(ip);
    if (!st || st->until == 0) return true;
    if (st->until > now) return false;
    sources_.erase(ip);  // the block is over: its count starts again from nothing
    return true;
}

bool AuthFailureGuard::owner(const std::string &ip, const std::string &account, double now) const {
    const double *t = owners_.find(ip + '\n' + account);
    return t && now - *t <= s_.owner_memory;
}

AuthGuardEvent AuthFailureGuard::block(SourceState &st, const std::string &ip,
                                       const std::string &account, double now, double seconds,
                                       std::string why) {
    st.since = now;
    st.until = now + seconds;
    st.failures = static_cast<unsigned>(st.fails.at.size());
    st.why = why;
    st.fails.at.clear();
    sources_.hold(ip, true);
    return {AuthGuardEvent::SourceBlocked, ip, account, st.failures, seconds, std::move(why)};
}

std::vector<AuthGuardEvent> AuthFailureGuard::failed(const std::string &ip,
                                                     const std::string &account, bool trusted,
                                                     double now) {
    std::vector<AuthGuardEvent> out;
    if (!enabled() || trusted) return out;
    const std::string acct = account.substr(0, kMaxAccountChars);
    const auto who = static_cast<uint32_t>(std::hash<std::string>()(ip));
    std::lock_guard<std::mutex> lock(mutex_);
    SourceState &src = sources_.touch(ip);
    if (src.until > now) return out;  // blocked meanwhile (another SIP thread)
    if (src.until > 0) {              // a block that ended: start again from nothing
        src = SourceState{};
        sources_.hold(ip, false);
    }
    src.account = acct;
    src.fails.add(now, who, s_.window, s_.limit);
    bool blocked = false;
    if (src.fails.at.size() >= s_.limit) {
        out.push_back(block(src, ip, acct, now, s_.block,
                            std::to_string(src.fails.at.size()) + " failures in " +
                                seconds_text(s_.window) + " s"));
        blocked = true;
    }
    if (acct.empty() || owner(ip, acct, now)) return out;  // the owner's phone: never throttled
    AccountState &a = accounts_.touch(acct);
    if (a.lockout > 0 && now >= a.until + s_.window) {  // the throttle ended: a new count
        a = AccountState{};
        accounts_.hold(acct, false);
    }
    if (blocked && a.lockout == 0) {
        // A source blocked by its own count is dealt with: its guesses at this account no
        // longer count towards a throttle, which is for guessing from several sources.
        a.fails.forget(who);
        return out;
    }
    a.fails.add(now, who, s_.window, s_.limit);
    if (a.lockout > 0) {
        ++a.failures;
        a.lockout = std::min(a.lockout * 2, s_.block);
        a.until = now + a.lockout;
        if (!blocked) {
            ++a.sources_locked;
            out.push_back(block(src, ip, acct, now, a.lockout, "failed for a throttled account"));
        }
    } else if (a.fails.at.size() >= s_.limit && a.fails.several_sources()) {
        // One source alone is its own block's business; several are distributed guessing.
        a.lockout = std::min(s_.first_lockout, s_.block);
        a.since = now;
        a.until = now + a.lockout;
        a.failures = static_cast<unsigned>(a.fails.at.size());
        accounts_.hold(acct, true);
        out.push_back({AuthGuardEvent::AccountThrottled, ip, acct, a.failures, a.lockout, ""});
    }
    return out;
}

void AuthFailureGuard::succeeded(const std::string &ip, const std::string &account, double now) {
    if (!enabled()) return;
    std::lock_guard<std::mutex> lock(mutex_);
    owners_.touch(ip + '\n' + account.substr(0, kMaxAccountChars)) = now;
}

void AuthFailureGuard::purge(double now) {
    if (!enabled()) return;
    std::lock_guard<std::mutex> lock(mutex_);
    const double w = s_.window;
    sources_.erase_if([&](const SourceState &st) {
        if (st.until > 0) return st.until <= now;
        return st.fails.at.empty() || st.fails.at.back().first <= now - w;
    });
    accounts_.erase_if([&](const AccountState &a) {
        if (a.lockout > 0) return now >= a.until + w;
        return a.fails.at.empty() || a.fails.at.back().first <= now - w;
    });
    owners_.erase_if([&](double t) { return now - t > s_.owner_memory; });
}

AuthGuardView AuthFailureGuard::view(double now) const {
    AuthGuardView v;
    std::lock_guard<std::mutex> lock(mutex_);
    sources_.each([&](const std::string &ip, const SourceState &st) {
        if (st.until > now)
            v.sources.push_back({ip, st.account, st.why, st.failures, st.since, st.until});
    });
    accounts_.each([&](const std::string &acct, const AccountState &a) {
        if (a.lockout > 0 && now < a.until + s_.window)
            v.accounts.push_back({acct, a.failures, a.sources_locked, a.since, a.until, a.lockout});
    });
    auto by_until = [](const auto &x, const auto &y) { return x.until < y.until; };
    std::sort(v.sources.begin(), v.sources.end(), by_until);
    std::sort(v.accounts.begin(), v.accounts.end(), by_until);
    v.tracked_sources = sources_.size();
    v.tracked_accounts = accounts_.size();
    return v;
}

}  // namespace vce::sip
