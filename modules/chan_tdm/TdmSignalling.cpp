// chan_tdm: line signalling and DSP events (hook, ring, answer, digits, call progress), the
// per-line timers, and entering a line state.
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
constexpr int kRingOnMs = 1000, kRingCycleMs = 5000, kCidAtMs = 1500;
constexpr int kDialToneMaxS = 20;    // off hook without dialling: congestion
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
        l.ring_on = false;
        l.cid_sent = false;
        l.no_answer_at = Clock::time_point::max();
        l.report = nullptr;
        l.handle = 0;
        l.origin_line = -1;
        l.leg_line = -1;
        l.leg_handle = 0;
        l.leg_tech = nullptr;
        l.leg_was_answered = false;
        l.overlap.reset();
        l.exec.reset();
        l.dial_string.clear();
        l.rtp.reset();  // stops the media and frees the port
    }
}

void TdmEngine::on_signal(Line &l, TdmEvent ev) {
    VCE_LOG_DEBUG("chan_tdm: %s: line %s", l.name.c_str(), dsp::tdmEventName(ev));
    if (l.cfg.role == dsp::ChannelRole::Fxs) {
        if (ev == TdmEvent::OffHook) {
            if (l.state == LineState::Idle)
                off_hook(l);
            else if (l.state == LineState::Ringing && l.report) {
                if (l.ring_on) l.ch->signal(TdmEvent::RingStop);
                l.ring_on = false;
                leg_answered(l);
            }
        } else if (ev == TdmEvent::OnHook) {
            if (l.report) {
                if (l.state == LineState::Up)
                    leg_ended(l);
                else if (l.state != LineState::Ringing)
                    enter(l, LineState::Idle);
            } else if (l.state != LineState::Idle) {
                VCE_LOG_NOTICE("chan_tdm: %s: on hook", l.name.c_str());
                end_origin(l);
                enter(l, LineState::Idle);
            }
        }
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
        } else if (l.exec || l.overlap || l.leg_handle) {
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
        if (l.state == LineState::DialTone || l.state == LineState::Collecting) digit(l, e.digit);
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
    // Ringing a phone: cadence, and caller ID between the first and second ring.
    if (l.cfg.role == dsp::ChannelRole::Fxs && l.state == LineState::Ringing) {
        const long ms = std::chrono::duration_cast<milliseconds>(now - l.ring_started).count();
        const bool on = ms % kRingCycleMs < kRingOnMs;
        if (on != l.ring_on) {
            l.ch->signal(on ? TdmEvent::RingStart : TdmEvent::RingStop);
            l.ring_on = on;
        }
        if (!l.cid_sent && ms >= kCidAtMs) {
            l.cid_sent = true;
            if (!l.cid.number.empty() || !l.cid.name.empty()) l.chain->sendCallerId(l.cid);
        }
    }
    if (l.report && now >= l.no_answer_at && l.state != LineState::Up) {
        leg_failed(l, "NOANSWER");
        return;
    }
    if (now < l.deadline) return;
    switch (l.state) {
        case LineState::DialTone:
            VCE_LOG_NOTICE("chan_tdm: %s: off hook without dialling", l.name.c_str());
            l.overlap.reset();
            play_tone(l, Tone::Congestion);
            enter(l, LineState::Tone);
            break;
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

void TdmEngine::off_hook(Line &l) {
    VCE_LOG_NOTICE("chan_tdm: %s: off hook, dial tone", l.name.c_str());
    ++l.call_gen;
    l.digits.clear();
    l.last.clear();
    l.overlap = std::make_unique<dialplan::OverlapDialler>(dialplan_->current(), l.cfg.context,
                                                           milliseconds(cfg_.inter_digit_ms));
    play_tone(l, Tone::Dial);
    enter(l, LineState::DialTone, Clock::now() + seconds(kDialToneMaxS));
}

void TdmEngine::digit(Line &l, char d) {
    if (!l.overlap) return;
    if (l.state == LineState::DialTone) l.chain->stopTone();
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
