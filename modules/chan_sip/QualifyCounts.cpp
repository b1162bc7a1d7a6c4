// Unanswered OPTIONS per binding (see QualifyCounts.h).
#include "QualifyCounts.h"

namespace vce::sip {

QualifyCounts::Verdict QualifyCounts::answered(const std::string &key) {
    misses_.erase(key);
    return Verdict::Alive;
}

QualifyCounts::Verdict QualifyCounts::missed(const std::string &key) {
    int &n = misses_[key];
    if (++n < limit_) return Verdict::Missed;
    misses_.erase(key);
    return Verdict::Dead;
}

int QualifyCounts::misses(const std::string &key) const {
    auto it = misses_.find(key);
    return it == misses_.end() ? 0 : it->second;
}

void QualifyCounts::keep_only(const std::set<std::string> &keys) {
    for (auto it = misses_.begin(); it != misses_.end();)
        it = keys.count(it->first) ? std::next(it) : misses_.erase(it);
}

}  // namespace vce::sip
