// chan_tdm: line signalling and DSP events (hook, ring, answer, digits, call progress), the
// per-line timers, and entering a line state. An FXS phone's signalling is decided by its
// FxsSignalling (pure); here its actions are carried out.
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

namespace {
constexpr int kDidFirstDigitS = 10;  // trunk call answered, no DID digit: release
}  // namespace

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
    // FXO: the exchange rings us (a call in), answers or reverses polarity (answer).
    if (ev == TdmEvent::RingStart && l.state == LineState::Idle) {
        VCE_LOG_NOTICE("chan_tdm: %s: call from the PSTN, answering for the DID", l.name.c_str());
        l.ch->signal(TdmEvent::OffHook);
        ++l.call_gen;
        l.overlap = std::make_unique<dialplan::OverlapDialler>(dialplan_->current(), l.cfg.context,
                                                               milliseconds(cfg_.inter_digit_ms));
        l.digits.clear();
        l.peer = "PSTN";
        enter(l, LineState::Collecting, Clock::now() + seconds(kDidFirstDigitS));
    } else if ((ev == TdmEvent::Answer || ev == TdmEvent::Polarity) && l.report &&
               (l.state == LineState::Ringing || l.state == LineState::Dialling)) {
        leg_answered(l);
    } else if (ev == TdmEvent::OnHook && l.state != LineState::Idle) {
        // The exchange released the line (loop current gone: the far end hung up).
        if (l.report) {
            if (l.state == LineState::Up) leg_ended(l);
        } else if (l.driver || l.overlap || l.leg_handle) {
            VCE_LOG_NOTICE("chan_tdm: %s: the PSTN caller hung up", l.name.c_str());
            end_origin(l);
            l.ch->signal(TdmEvent::OnHook);
            enter(l, LineState::Idle);
            l.last = "caller hung up";
        }
    }
}

void TdmEngine::on_dsp(Line &l, const DspEvent &e) {
    VCE_LOG_DEBUG("chan_tdm: %s: dsp %s", l.name.c_str(), dsp::describe(e).c_str());
    if (e.type == DspEventType::DtmfDigit) {
        if (l.cfg.role == dsp::ChannelRole::Fxs)
            run_fxs(l, l.fxs.step(fxs_line(l), {FxsInput::Kind::Digit, Clock::now(), e.digit}));
        else if (l.state == LineState::DialTone || l.state == LineState::Collecting)
            digit(l, e.digit);  // a trunk call's DID
        return;
    }
    if (l.cfg.role != dsp::ChannelRole::Fxo || !l.report) return;
    // Call progress on a trunk we dialled out on.
    if (e.type == DspEventType::ToneDetected) {
        if (e.tone == Tone::Dial && l.state == LineState::Seizing) {
            l.deadline = Clock::now();  // dial now (tick sends the digits)
        } else if (l.state == LineState::Dialling || l.state == LineState::Ringing) {
            if (e.tone == Tone::Busy)
                leg_failed(l, "BUSY");
            else if (e.tone == Tone::Congestion)
                leg_failed(l, "CONGESTION");
            else if (e.tone == Tone::Ringback && l.state == LineState::Ringing && l.report) {
                if (l.last != "ringing") l.report({DialEvent::Ringing, "", 180, ""});
                l.last = "ringing";
            }
        }
    } else if (e.type == DspEventType::Answered && l.state == LineState::Ringing) {
        leg_answered(l);
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
        case LineState::Seizing:
            // Dial tone heard (or waited long enough): send the number.
            l.chain->stopTone();
            if (!l.chain->sendDtmf(l.dial_string)) {
                leg_failed(l, "CONGESTION");
                break;
            }
            enter(l, LineState::Dialling, now + milliseconds(100));
            break;
        case LineState::Dialling:
            if (l.chain->sendingDtmf()) {
                l.deadline = now + milliseconds(20);
            } else {
                l.chain->resetAnswerDetection();
                enter(l, LineState::Ringing);
            }
            break;
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

void TdmEngine::digit(Line &l, char d) {
    if (!l.overlap) return;
    if (l.state == LineState::DialTone) l.chain->stopTone();
    collect_digit(l, d);
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
