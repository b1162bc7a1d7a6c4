// chan_tdm: line signalling and DSP events (hook, ring, answer, digits, call progress), the
// per-line timers, and entering a line state. What they mean is decided by FxsSignalling (a
// phone) and FxoSignalling (a trunk), both pure; here their actions are carried out.
#include "TdmEngine.h"
#include "vce/DialplanService.h"
#include "vce/Log.h"

namespace vce::tdm {

using dsp::DspEvent;
using dsp::DspEventType;
using dsp::TdmEvent;
using dsp::Tone;
using std::chrono::milliseconds;
using std::chrono::seconds;

void TdmEngine::enter(Line &l, LineState s, Clock::time_point deadline) {
    l.state = s;
    l.since = Clock::now();
    l.deadline = deadline;
    if (s == LineState::Idle || s == LineState::Unattached) {
        l.chain->stopTone();
        l.inbox.clear();
        l.peer.clear();
        l.fxs.reset();
        l.no_answer_at = Clock::time_point::max();
        l.report = nullptr;
        l.handle = 0;
        l.origin_line = -1;
        l.leg_line = -1;
        l.leg_handle = 0;
        l.leg_tech = nullptr;
        l.leg_was_answered = false;
        l.overlap.reset();
        l.driver.reset();
        l.dial_string.clear();
        l.rtp.reset();  // stops the media and frees the port
    }
}

void TdmEngine::on_signal(Line &l, TdmEvent ev) {
    VCE_LOG_DEBUG("chan_tdm: %s: line %s", l.name.c_str(), dsp::tdmEventName(ev));
    if (l.cfg.role == dsp::ChannelRole::Fxs) {
        if (ev == TdmEvent::OffHook)
            run_fxs(l, l.fxs.step(fxs_line(l), {FxsInput::Kind::OffHook, Clock::now()}));
        else if (ev == TdmEvent::OnHook)
            run_fxs(l, l.fxs.step(fxs_line(l), {FxsInput::Kind::OnHook, Clock::now()}));
        return;
    }
    FxoInput in{FxoInput::Kind::Tick, Clock::now()};
    if (ev == TdmEvent::RingStart)
        in.kind = FxoInput::Kind::Ring;
    else if (ev == TdmEvent::Answer || ev == TdmEvent::Polarity)
        in.kind = FxoInput::Kind::Answer;
    else if (ev == TdmEvent::OnHook)
        in.kind = FxoInput::Kind::LoopOpen;
    else
        return;
    run_fxo(l, FxoSignalling::step(fxo_line(l), in));
}

void TdmEngine::on_dsp(Line &l, const DspEvent &e) {
    VCE_LOG_DEBUG("chan_tdm: %s: dsp %s", l.name.c_str(), dsp::describe(e).c_str());
    const bool fxs = l.cfg.role == dsp::ChannelRole::Fxs;
    if (e.type == DspEventType::DtmfDigit) {
        if (fxs)
            run_fxs(l, l.fxs.step(fxs_line(l), {FxsInput::Kind::Digit, Clock::now(), e.digit}));
        else
            run_fxo(l, FxoSignalling::step(fxo_line(l),
                                           {FxoInput::Kind::Digit, Clock::now(), e.digit}));
        return;
    }
    if (fxs) return;
    if (e.type == DspEventType::ToneDetected) {
        FxoInput in{FxoInput::Kind::Tone, Clock::now()};
        in.tone = e.tone;
        run_fxo(l, FxoSignalling::step(fxo_line(l), in));
    } else if (e.type == DspEventType::Answered) {
        run_fxo(l, FxoSignalling::step(fxo_line(l), {FxoInput::Kind::Answered, Clock::now()}));
    }
}

void TdmEngine::tick(Line &l, Clock::time_point now) {
    if (!l.ch) return;
    // A phone: the ring cadence with caller ID, and the dial-tone timeout.
    if (l.cfg.role == dsp::ChannelRole::Fxs)
        run_fxs(l, l.fxs.step(fxs_line(l), {FxsInput::Kind::Tick, now}));
    if (l.report && now >= l.no_answer_at && l.state != LineState::Up) {
        leg_failed(l, "NOANSWER");
        return;
    }
    // A trunk: seizing and dialling out.
    if (l.cfg.role == dsp::ChannelRole::Fxo)
        run_fxo(l, FxoSignalling::step(fxo_line(l), {FxoInput::Kind::Tick, now}));
    if (now < l.deadline) return;
    switch (l.state) {
        case LineState::Collecting: {
            if (!l.overlap) break;
            if (l.overlap->digits().empty()) {  // a trunk call without a DID
                VCE_LOG_NOTICE("chan_tdm: %s: no number received", l.name.c_str());
                finish_call(l, "");
                break;
            }
            const auto r = l.overlap->timeout(now);
            if (r.action == dialplan::OverlapDialler::Action::Dial)
                start_call(l, r.number);
            else {
                VCE_LOG_NOTICE("chan_tdm: %s: %s is not a number in [%s]", l.name.c_str(),
                               l.overlap->digits().c_str(), l.cfg.context.c_str());
                l.last = "invalid " + l.overlap->digits();
                finish_call(l, "");
            }
            break;
        }
        default:
            l.deadline = Clock::time_point::max();
            break;
    }
}

FxsLine TdmEngine::fxs_line(const Line &l) {
    FxsLine f;
    f.state = l.state;
    f.leg = static_cast<bool>(l.report);
    f.dialler = static_cast<bool>(l.overlap);
    f.deadline = l.deadline;
    return f;
}

void TdmEngine::run_fxs(Line &l, const std::vector<FxsAction> &actions) {
    for (const FxsAction &a : actions) {
        switch (a.kind) {
            case FxsAction::Kind::NewCall:
                VCE_LOG_NOTICE("chan_tdm: %s: off hook, dial tone", l.name.c_str());
                ++l.call_gen;
                l.digits.clear();
                l.last.clear();
                l.overlap = std::make_unique<dialplan::OverlapDialler>(
                    dialplan_->current(), l.cfg.context, milliseconds(cfg_.inter_digit_ms));
                break;
            case FxsAction::Kind::DialTone:
                play_tone(l, Tone::Dial);
                break;
            case FxsAction::Kind::Congestion:
                play_tone(l, Tone::Congestion);
                break;
            case FxsAction::Kind::StopTone:
                l.chain->stopTone();
                break;
            case FxsAction::Kind::Enter:
                enter(l, a.state, a.deadline);
                break;
            case FxsAction::Kind::Digit:
                collect_digit(l, a.digit);
                break;
            case FxsAction::Kind::Abandon:
                VCE_LOG_NOTICE("chan_tdm: %s: off hook without dialling", l.name.c_str());
                l.overlap.reset();
                break;
            case FxsAction::Kind::HangUp:
                VCE_LOG_NOTICE("chan_tdm: %s: on hook", l.name.c_str());
                end_origin(l);
                break;
            case FxsAction::Kind::AnswerLeg:
                leg_answered(l);
                break;
            case FxsAction::Kind::EndLeg:
                leg_ended(l);
                break;
            case FxsAction::Kind::RingOn:
                l.ch->signal(TdmEvent::RingStart);
                break;
            case FxsAction::Kind::RingOff:
                l.ch->signal(TdmEvent::RingStop);
                break;
            case FxsAction::Kind::SendCallerId:
                if (!l.cid.number.empty() || !l.cid.name.empty()) l.chain->sendCallerId(l.cid);
                break;
        }
    }
}

FxoLine TdmEngine::fxo_line(const Line &l) {
    FxoLine f;
    f.state = l.state;
    f.leg = static_cast<bool>(l.report);
    f.call = l.driver || l.overlap || l.leg_handle;
    f.dialler = static_cast<bool>(l.overlap);
    f.sending_digits = l.chain->sendingDtmf();
    f.ringing_reported = l.last == "ringing";
    f.deadline = l.deadline;
    return f;
}

void TdmEngine::run_fxo(Line &l, const std::vector<FxoAction> &actions) {
    for (const FxoAction &a : actions) {
        switch (a.kind) {
            case FxoAction::Kind::AnswerCallIn:
                VCE_LOG_NOTICE("chan_tdm: %s: call from the PSTN, answering for the DID",
                               l.name.c_str());
                l.ch->signal(TdmEvent::OffHook);
                ++l.call_gen;
                l.overlap = std::make_unique<dialplan::OverlapDialler>(
                    dialplan_->current(), l.cfg.context, milliseconds(cfg_.inter_digit_ms));
                l.digits.clear();
                l.peer = "PSTN";
                break;
            case FxoAction::Kind::Enter:
                enter(l, a.state, a.deadline);
                break;
            case FxoAction::Kind::Deadline:
                l.deadline = a.deadline;
                break;
            case FxoAction::Kind::Digit:
                collect_digit(l, a.digit);
                break;
            case FxoAction::Kind::StopTone:
                l.chain->stopTone();
                break;
            case FxoAction::Kind::SendNumber:
                if (!l.chain->sendDtmf(l.dial_string)) {
                    leg_failed(l, "CONGESTION");
                    return;
                }
                break;
            case FxoAction::Kind::ResetAnswerDetection:
                l.chain->resetAnswerDetection();
                break;
            case FxoAction::Kind::LegRinging:
                l.report({DialEvent::Ringing, "", 180, ""});
                l.last = "ringing";
                break;
            case FxoAction::Kind::LegAnswered:
                leg_answered(l);
                break;
            case FxoAction::Kind::LegFailed:
                leg_failed(l, a.reason);
                break;
            case FxoAction::Kind::LegEnded:
                leg_ended(l);
                break;
            case FxoAction::Kind::CallerHungUp:
                VCE_LOG_NOTICE("chan_tdm: %s: the PSTN caller hung up", l.name.c_str());
                end_origin(l);
                l.ch->signal(TdmEvent::OnHook);
                l.last = "caller hung up";
                break;
        }
    }
}

void TdmEngine::collect_digit(Line &l, char d) {
    l.digits += d;
    const auto now = Clock::now();
    const auto r = l.overlap->digit(d, now);
    VCE_LOG_INFO("chan_tdm: %s: digit %c", l.name.c_str(), d);
    switch (r.action) {
        case dialplan::OverlapDialler::Action::Dial:
            start_call(l, r.number);
            break;
        case dialplan::OverlapDialler::Action::Invalid:
            VCE_LOG_NOTICE("chan_tdm: %s: %s cannot match in [%s]", l.name.c_str(),
                           l.digits.c_str(), l.cfg.context.c_str());
            l.last = "invalid " + l.digits;
            finish_call(l, "");
            break;
        case dialplan::OverlapDialler::Action::Wait:
            enter(l, LineState::Collecting, l.overlap->deadline());
            break;
    }
}

}  // namespace vce::tdm
