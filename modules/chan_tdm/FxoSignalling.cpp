// chan_tdm: the FXO (trunk) line signalling as a pure state machine (see FxoSignalling.h).
#include "FxoSignalling.h"

namespace vce::tdm {

namespace {
using Kind = FxoAction::Kind;
using std::chrono::milliseconds;
FxoAction act(Kind k) {
    return FxoAction{k};
}
FxoAction enter(LineState s, Clock::time_point deadline = Clock::time_point::max()) {
    FxoAction a{Kind::Enter};
    a.state = s;
    a.deadline = deadline;
    return a;
}
FxoAction deadline(Clock::time_point t) {
    FxoAction a{Kind::Deadline};
    a.deadline = t;
    return a;
}
FxoAction failed(const char *reason) {
    FxoAction a{Kind::LegFailed};
    a.reason = reason;
    return a;
}
bool placing(LineState s) {
    return s == LineState::Dialling || s == LineState::Ringing;
}
}  // namespace

std::vector<FxoAction> FxoSignalling::step(const FxoLine &l, const FxoInput &in) {
    std::vector<FxoAction> out;
    switch (in.kind) {
        case FxoInput::Kind::Ring:
            if (l.state == LineState::Idle)
                out = {
                    act(Kind::AnswerCallIn),
                    enter(LineState::Collecting, in.now + std::chrono::seconds(kDidFirstDigitS))};
            break;
        case FxoInput::Kind::Answer:
            if (l.leg && placing(l.state)) out.push_back(act(Kind::LegAnswered));
            break;
        case FxoInput::Kind::LoopOpen:
            if (l.state == LineState::Idle) break;
            if (l.leg) {
                if (l.state == LineState::Up) out.push_back(act(Kind::LegEnded));
            } else if (l.call) {
                out = {act(Kind::CallerHungUp), enter(LineState::Idle)};
            }
            break;
        case FxoInput::Kind::Digit:
            if ((l.state == LineState::DialTone || l.state == LineState::Collecting) && l.dialler) {
                if (l.state == LineState::DialTone) out.push_back(act(Kind::StopTone));
                FxoAction d{Kind::Digit};
                d.digit = in.digit;
                out.push_back(d);
            }
            break;
        case FxoInput::Kind::Tone:
            out = tone(l, in);
            break;
        case FxoInput::Kind::Answered:
            if (l.leg && l.state == LineState::Ringing) out.push_back(act(Kind::LegAnswered));
            break;
        case FxoInput::Kind::Tick:
            out = tick(l, in.now);
            break;
    }
    return out;
}

// Call progress on a trunk we dialled out on: the exchange's dial tone means "dial now";
// busy and congestion end the attempt; ringback is reported once.
std::vector<FxoAction> FxoSignalling::tone(const FxoLine &l, const FxoInput &in) {
    std::vector<FxoAction> out;
    if (!l.leg) return out;
    if (in.tone == dsp::Tone::Dial && l.state == LineState::Seizing) {
        out.push_back(deadline(in.now));  // the next tick sends the number
    } else if (placing(l.state)) {
        if (in.tone == dsp::Tone::Busy)
            out.push_back(failed("BUSY"));
        else if (in.tone == dsp::Tone::Congestion)
            out.push_back(failed("CONGESTION"));
        else if (in.tone == dsp::Tone::Ringback && l.state == LineState::Ringing &&
                 !l.ringing_reported)
            out.push_back(act(Kind::LegRinging));
    }
    return out;
}

// Seizing: dial tone heard or waited long enough, send the number; Dialling: once the digits
// are out, wait for the answer (answer detection starts afresh, not on our own DTMF).
std::vector<FxoAction> FxoSignalling::tick(const FxoLine &l, Clock::time_point now) {
    std::vector<FxoAction> out;
    if (!l.leg || now < l.deadline) return out;
    if (l.state == LineState::Seizing) {
        out = {act(Kind::StopTone), act(Kind::SendNumber),
               enter(LineState::Dialling, now + milliseconds(kDialledCheckMs))};
    } else if (l.state == LineState::Dialling) {
        if (l.sending_digits)
            out.push_back(deadline(now + milliseconds(kDigitsPollMs)));
        else
            out = {act(Kind::ResetAnswerDetection), enter(LineState::Ringing)};
    }
    return out;
}

}  // namespace vce::tdm
