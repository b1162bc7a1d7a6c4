// Token bucket for log lines (see LogRateLimit.h).
#include "LogRateLimit.h"

#include <algorithm>

namespace vce::sip {

LogRateLimit::Verdict LogRateLimit::admit(double now) {
    if (last_ >= 0 && now > last_) tokens_ = std::min(burst_, tokens_ + (now - last_) * rate_);
    if (last_ < 0 || now > last_) last_ = now;
    Verdict v;
    if (tokens_ < 1) {
        ++dropped_;
        return v;
    }
    tokens_ -= 1;
    v.log = true;
    v.suppressed = dropped_;
    dropped_ = 0;
    return v;
}

}  // namespace vce::sip
