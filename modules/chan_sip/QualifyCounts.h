// Whether registered phones still answer (qualify): the unanswered OPTIONS in a row of each
// binding, and the verdict when one more is missed or answered. A binding that missed `limit`
// in a row is dead (the engine removes it, so its callers fall back at once instead of
// ringing nothing until it expires). Pure; the engine probes and removes.
#pragma once

#include <set>
#include <string>
#include <unordered_map>

namespace vce::sip {

class QualifyCounts {
public:
    enum class Verdict { Alive, Missed, Dead };
    explicit QualifyCounts(int limit) : limit_(limit < 1 ? 1 : limit) {}
    Verdict answered(const std::string &key);
    // Dead once, when the count reaches the limit; the count starts again after it.
    Verdict missed(const std::string &key);
    int misses(const std::string &key) const;
    // Forgets the bindings that are gone (re-registered under another key, expired, removed).
    void keep_only(const std::set<std::string> &keys);
    size_t size() const { return misses_.size(); }

private:
    int limit_;
    std::unordered_map<std::string, int> misses_;
};

}  // namespace vce::sip
