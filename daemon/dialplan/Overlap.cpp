// Overlap dialling for analog lines: when the digits so far are a complete number. No I/O.
#include "dialplan/Overlap.h"

namespace vce::dialplan {

OverlapDialler::OverlapDialler(std::shared_ptr<const Dialplan> plan, std::string context,
                               std::chrono::milliseconds inter_digit)
    : plan_(std::move(plan)), context_(std::move(context)), inter_digit_(inter_digit) {}

OverlapDialler::Result OverlapDialler::digit(char d, Clock::time_point now) {
    Result r;
    if (done_) {
        r.action = Action::Invalid;
        return r;
    }
    digits_.push_back(d);
    const Dialplan &p = *plan_;
    bool exists = p.exists(context_, digits_);
    bool more = p.match_more(context_, digits_);
    if (d == '#' && !exists && !more) {
        std::string without = digits_.substr(0, digits_.size() - 1);
        done_ = true;
        deadline_ = Clock::time_point::max();
        if (!without.empty() && p.exists(context_, without)) {
            r.action = Action::Dial;
            r.number = without;
        } else {
            r.action = Action::Invalid;
        }
        return r;
    }
    if (exists && !more) {
        done_ = true;
        deadline_ = Clock::time_point::max();
        r.action = Action::Dial;
        r.number = digits_;
        return r;
    }
    if (exists || more) {
        deadline_ = now + inter_digit_;
        return r;
    }
    done_ = true;
    deadline_ = Clock::time_point::max();
    r.action = Action::Invalid;
    return r;
}

OverlapDialler::Result OverlapDialler::timeout(Clock::time_point now) {
    Result r;
    if (done_ || now < deadline_) return r;
    done_ = true;
    deadline_ = Clock::time_point::max();
    if (!digits_.empty() && plan_->exists(context_, digits_)) {
        r.action = Action::Dial;
        r.number = digits_;
    } else {
        r.action = Action::Invalid;
    }
    return r;
}

}  // namespace vce::dialplan
