// chan_tdm: the FXS line signalling as a pure state machine (see FxsSignalling.h).
#include "FxsSignalling.h"

namespace vce::tdm {

namespace {
using Kind = FxsAction::Kind;
FxsAction act(Kind k) {
    return FxsAction{k};
}
FxsAction enter(LineState s, Clock::time_point deadline = Clock::time_point::max()) {
    FxsAction a{Kind::Enter};
    a.state = s;
    a.deadline = deadline;
    return a;
}
}  // namespace

void FxsSignalling::ring(Clock::time_point now) {
    ring_started_ = now;
    ring_on_ = false;
    caller_id_sent_ = false;
}

void FxsSignalling::reset() {
    ring_on_ = false;
    caller_id_sent_ = false;
}

std::vector<FxsAction> FxsSignalling::step(const FxsLine &l, const FxsInput &in) {
    std::vector<FxsAction> out;
    switch (in.kind) {
        case FxsInput::Kind::OffHook:
            if (l.state == LineState::Idle) {
                out = {act(Kind::NewCall), act(Kind::DialTone),
                       enter(LineState::DialTone, in.now + std::chrono::seconds(kDialToneMaxS))};
            } else if (l.state == LineState::Ringing && l.leg) {
                if (ring_on_) out.push_back(act(Kind::RingOff));
                ring_on_ = false;
                out.push_back(act(Kind::AnswerLeg));
            }
            break;
        case FxsInput::Kind::OnHook:
            if (l.leg) {
                if (l.state == LineState::Up)
                    out.push_back(act(Kind::EndLeg));
                else if (l.state != LineState::Ringing)
                    out.push_back(enter(LineState::Idle));
            } else if (l.state != LineState::Idle) {
                out = {act(Kind::HangUp), enter(LineState::Idle)};
            }
            break;
        case FxsInput::Kind::Digit:
            if ((l.state == LineState::DialTone || l.state == LineState::Collecting) && l.dialler) {
                if (l.state == LineState::DialTone) out.push_back(act(Kind::StopTone));
                FxsAction d{Kind::Digit};
                d.digit = in.digit;
                out.push_back(d);
            }
            break;
        case FxsInput::Kind::Tick:
            out = tick(l, in.now);
            break;
    }
    return out;
}

// Ringing: the cadence, and caller ID between the first and second ring. Off hook too long
// without dialling: congestion until the phone hangs up.
std::vector<FxsAction> FxsSignalling::tick(const FxsLine &l, Clock::time_point now) {
    std::vector<FxsAction> out;
    if (l.state == LineState::Ringing) {
        const long ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(now - ring_started_).count();
        const bool on = ms % kRingCycleMs < kRingOnMs;
        if (on != ring_on_) {
            out.push_back(act(on ? Kind::RingOn : Kind::RingOff));
            ring_on_ = on;
        }
        if (!caller_id_sent_ && ms >= kCallerIdAtMs) {
            caller_id_sent_ = true;
            out.push_back(act(Kind::SendCallerId));
        }
    }
    if (l.state == LineState::DialTone && now >= l.deadline) {
        out.push_back(act(Kind::Abandon));
        out.push_back(act(Kind::Congestion));
        out.push_back(enter(LineState::Tone));
    }
    return out;
}

}  // namespace vce::tdm
