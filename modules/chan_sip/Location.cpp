// Location store: bindings per aor, one per terminal.
#include "Location.h"

#include <algorithm>

namespace vce::sip {

namespace {
// The NAT rule alone: the contact's host is not the address the REGISTER came from.
bool behind_nat(const Binding &b) {
    if (b.received.empty()) return false;
    const std::string src_ip = b.received.substr(0, b.received.rfind(':'));
    // The contact's host: after "sip:" and any "user@", up to ':' ';' or '>'.
    const std::string &c = b.contact;
    size_t at = c.find('@'), start = c.find(':') + 1;
    if (at != std::string::npos) start = at + 1;
    size_t end = c.find_first_of(":;>", start);
    return c.substr(start, end == std::string::npos ? std::string::npos : end - start) != src_ip;
}
}  // namespace

std::string reachable_contact(const Binding &b) {
    if (!behind_nat(b)) return b.contact;
    const std::string &c = b.contact;
    const size_t colon = c.find(':'), at = c.find('@');
    const std::string scheme = c.substr(0, colon == std::string::npos ? 0 : colon);
    const std::string user = at == std::string::npos || colon == std::string::npos
                                 ? ""
                                 : c.substr(colon + 1, at - colon);
    return (scheme.empty() ? "sip" : scheme) + ":" + user + b.received +
           (b.transport == "tcp" || b.transport == "tls" ? ";transport=" + b.transport : "");
}

std::string next_hop(const Binding &b) {
    if (b.received.empty()) return "";
    // Over TCP or TLS the phone is reached over the connection it registered on (RFC 5626
    // flows; a phone without a certificate could not take a TLS connection of ours).
    if (b.transport == "tcp" || b.transport == "tls")
        return "sip:" + b.received + ";transport=" + b.transport;
    if (!behind_nat(b)) return "";
    return "sip:" + b.received + ";transport=" + b.transport;
}

std::vector<LocationChange> LocationStore::plan(const Binding &base,
                                                const std::vector<ContactUpdate> &contacts,
                                                int64_t now, size_t max_contacts) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<LocationChange> out;
    std::vector<Binding> after;
    auto it = by_aor_.find(base.aor);
    if (it != by_aor_.end())
        for (const auto &b : it->second)
            if (b.expires_at > now) after.push_back(b);
    for (const auto &c : contacts) {
        auto same = std::find_if(after.begin(), after.end(),
                                 [&](const Binding &b) { return b.terminal_id == c.terminal_id; });
        if (c.expires <= 0) {
            if (same != after.end()) {
                out.push_back({LocationChange::Remove, *same});
                after.erase(same);
            }
            continue;
        }
        Binding b = base;
        b.terminal_id = c.terminal_id;
        b.contact = c.contact;
        b.expires_at = now + c.expires;
        // The same terminal from a new address replaces its old binding.
        if (same != after.end()) after.erase(same);
        after.insert(after.begin(), b);
        out.push_back({LocationChange::Upsert, b});
    }
    // Beyond the limit the oldest go (after is newest first).
    while (max_contacts && after.size() > max_contacts) {
        const Binding &old = after.back();
        bool fresh = std::any_of(out.begin(), out.end(), [&](const LocationChange &ch) {
            return ch.kind == LocationChange::Upsert && ch.binding.terminal_id == old.terminal_id;
        });
        if (fresh) {
            // An upsert in this same request would be dropped: drop it from the plan.
            out.erase(std::remove_if(out.begin(), out.end(),
                                     [&](const LocationChange &ch) {
                                         return ch.binding.terminal_id == old.terminal_id;
                                     }),
                      out.end());
        } else {
            out.push_back({LocationChange::Remove, old});
        }
        after.pop_back();
    }
    return out;
}

std::vector<LocationChange> LocationStore::plan_remove_all(const std::string &aor) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<LocationChange> out;
    auto it = by_aor_.find(aor);
    if (it != by_aor_.end())
        for (const auto &b : it->second) out.push_back({LocationChange::Remove, b});
    return out;
}

void LocationStore::put(const Binding &b) {
    std::lock_guard<std::mutex> lock(mutex_);
    put_locked(b);
}

void LocationStore::put_locked(const Binding &b) {
    auto &v = by_aor_[b.aor];
    v.erase(std::remove_if(v.begin(), v.end(),
                           [&](const Binding &x) { return x.terminal_id == b.terminal_id; }),
            v.end());
    v.insert(v.begin(), b);
}

void LocationStore::apply(const std::vector<LocationChange> &changes) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto &ch : changes) {
        if (ch.kind == LocationChange::Upsert) {
            put_locked(ch.binding);
            continue;
        }
        auto it = by_aor_.find(ch.binding.aor);
        if (it == by_aor_.end()) continue;
        auto &v = it->second;
        v.erase(std::remove_if(
                    v.begin(), v.end(),
                    [&](const Binding &x) { return x.terminal_id == ch.binding.terminal_id; }),
                v.end());
        if (v.empty()) by_aor_.erase(it);
    }
}

std::vector<Binding> LocationStore::lookup(const std::string &aor, int64_t now) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Binding> out;
    auto it = by_aor_.find(aor);
    if (it == by_aor_.end()) return out;
    for (const auto &b : it->second)
        if (b.expires_at > now) out.push_back(b);
    return out;
}

std::vector<Binding> LocationStore::expire(int64_t now) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Binding> gone;
    for (auto it = by_aor_.begin(); it != by_aor_.end();) {
        auto &v = it->second;
        for (auto b = v.begin(); b != v.end();) {
            if (b->expires_at <= now) {
                gone.push_back(*b);
                b = v.erase(b);
            } else {
                ++b;
            }
        }
        it = v.empty() ? by_aor_.erase(it) : std::next(it);
    }
    return gone;
}

size_t LocationStore::binding_count() const {
    std::lock_guard<std::mutex> lock(mutex_);
    size_t n = 0;
    for (const auto &[a, v] : by_aor_) n += v.size();
    return n;
}

std::vector<std::string> LocationStore::aors() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    for (const auto &[a, v] : by_aor_) out.push_back(a);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace vce::sip
