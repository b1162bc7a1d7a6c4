// chan_sip: centres' health from their OPTIONS answers (see CentreHealth.h).
#include "CentreHealth.h"

#include <sstream>

namespace vce::sip {

void CentreHealth::watch(const std::vector<std::string> &hosts) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::map<std::string, Host, std::less<>> next;
    for (const std::string &h : hosts) {
        auto it = hosts_.find(h);
        next[h] = it == hosts_.end() ? Host() : it->second;
    }
    hosts_.swap(next);
}

std::vector<std::string> CentreHealth::watched() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    for (const auto &h : hosts_) out.push_back(h.first);
    return out;
}

CentreHealth::Change CentreHealth::answered(const std::string &host) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = hosts_.find(host);
    if (it == hosts_.end()) return Change::None;
    Host &h = it->second;
    ++h.answers;
    h.missed = 0;
    h.heard = true;
    if (!h.down) return Change::None;
    h.down = false;
    return Change::Up;
}

CentreHealth::Change CentreHealth::missed(const std::string &host) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = hosts_.find(host);
    if (it == hosts_.end()) return Change::None;
    Host &h = it->second;
    ++h.misses;
    if (++h.missed < misses_ || h.down) return Change::None;
    h.down = true;
    return Change::Down;
}

bool CentreHealth::down(std::string_view hostport) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = hosts_.find(hostport);
    return it != hosts_.end() && it->second.down;
}

std::string CentreHealth::state_locked(const Host &h) const {
    if (h.down) return "down: " + std::to_string(h.missed) + " OPTIONS unanswered in a row";
    if (h.missed)
        return "up: " + std::to_string(h.missed) + " OPTIONS unanswered of " +
               std::to_string(misses_) + " that make it down";
    return h.heard ? "up" : "unknown";
}

std::string CentreHealth::state(std::string_view hostport) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = hosts_.find(hostport);
    return it == hosts_.end() ? std::string() : state_locked(it->second);
}

std::string CentreHealth::show() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::ostringstream o;
    for (const auto &[name, h] : hosts_)
        o << name << "  " << state_locked(h) << "  answered " << h.answers << ", unanswered "
          << h.misses << "\n";
    o << hosts_.size() << " hosts watched (down after " << misses_
      << " OPTIONS unanswered in a row)\n";
    return o.str();
}

}  // namespace vce::sip
