// chan_tdm: legs dialled on this engine (ChannelTech "TDM" and Dial(TDM/...) from a line):
// seizing a trunk or ringing a phone, the leg's answer, failure and end, its release.
#include <ctime>

#include "TdmEngine.h"
#include "TdmSpan.h"
#include "vce/Log.h"

namespace vce::tdm {

using dsp::TdmEvent;
using dsp::Tone;
using std::chrono::milliseconds;
using std::chrono::seconds;

unsigned long TdmEngine::dial(const DialRequest &req, ChannelTech::Events events) {
    DialTarget t;
    if (!parse_dial_target(req.resource, t) || !cfg_.has_group(t.group)) return 0;
    const unsigned long h = next_handle_++;
    post([this, req, events, h, t] {
        // A caller with an SDP offer gets RTP: nothing acceptable -> 488 and no call placed.
        std::unique_ptr<RtpBridge> rtp;
        if (!req.sdp_offer.empty()) {
            MediaSettings ms = media_settings(dsp::Law::Alaw);
            for (auto &x : lines_)
                if (x->cfg.group == t.group) {
                    ms.law = spans_[static_cast<std::size_t>(x->span)]->cfg.law;
                    break;
                }
            RtpBridge::Setup setup = RtpBridge::answer(req.sdp_offer, ms, rtp_cursor_);
            if (!setup.bridge) {
                VCE_LOG_NOTICE("chan_tdm: %s: media refused (%d): %s", req.call_id.c_str(),
                               setup.status, setup.reason.c_str());
                events({DialEvent::Failed, setup.status == 488 ? "CHANUNAVAIL" : "CONGESTION",
                        setup.status, ""});
                return;
            }
            rtp = std::move(setup.bridge);
        }
        std::string status;
        const int idx = place_leg(t, req, -1, events, h, status);
        if (idx < 0) {
            events({DialEvent::Failed, status, 503, ""});
            return;
        }
        Line &l = *lines_[static_cast<std::size_t>(idx)];
        if (rtp) VCE_LOG_NOTICE("chan_tdm: %s: media %s", l.name.c_str(), rtp->describe().c_str());
        l.rtp = std::move(rtp);
    });
    return h;
}

void TdmEngine::hangup(unsigned long handle) {
    post([this, handle] {
        if (Line *l = line_by_handle(handle)) release_leg(*l);
    });
}

int TdmEngine::place_leg(const DialTarget &t, const DialRequest &req, int origin,
                         ChannelTech::Events report, unsigned long handle,
                         std::string &dialstatus) {
    // Dial(TDM/<phones>/<number>): the phone whose number (callerid) it is, when one has it (a
    // box's number called through its exchange); otherwise any idle phone of the group.
    auto digits_of = [](const std::string &s) {
        std::string d;
        for (char c : s)
            if (c != '-' && c != ' ') d += c;
        return d;
    };
    const std::string wanted = digits_of(t.number);
    bool by_number = false;
    for (auto &x : lines_)
        by_number = by_number ||
                    (!wanted.empty() && x->cfg.group == t.group &&
                     x->cfg.role == dsp::ChannelRole::Fxs && digits_of(x->cfg.callerid) == wanted);
    // A trunk group is seized only for a caller with the right to the PSTN (a phone, a
    // member, a peer allowed it), whatever the dialplan says: never for a call from a trunk
    // or a peer that may reach our own numbers only.
    for (auto &x : lines_)
        if (x->cfg.group == t.group && x->cfg.role == dsp::ChannelRole::Fxo &&
            req.reach != routing::Reach::Pstn) {
            dialstatus = "CHANUNAVAIL";
            VCE_LOG_WARNING("chan_tdm: %s: refused TDM/%s: the caller may reach %s, not the PSTN",
                            req.call_id.c_str(), t.group.c_str(), routing::reach_name(req.reach));
            return -1;
        }
    Line *free = nullptr;
    bool any = false, fxs = false;
    for (auto &x : lines_) {
        if (x->cfg.group != t.group) continue;
        if (by_number && digits_of(x->cfg.callerid) != wanted) continue;
        any = true;
        fxs = x->cfg.role == dsp::ChannelRole::Fxs;
        if (x->ch && x->state == LineState::Idle) {
            free = x.get();
            break;
        }
    }
    if (!free) {
        dialstatus = any && fxs ? "BUSY" : "CHANUNAVAIL";
        VCE_LOG_NOTICE("chan_tdm: no free channel in group %s: %s", t.group.c_str(),
                       dialstatus.c_str());
        return -1;
    }
    Line &l = *free;
    l.report = std::move(report);
    l.handle = handle;
    l.origin_line = origin;
    l.last.clear();
    const auto now = Clock::now();
    l.no_answer_at =
        now + seconds(req.timeout_seconds > 0 ? req.timeout_seconds : cfg_.ring_timeout_s);
    l.peer = origin >= 0 ? lines_[static_cast<std::size_t>(origin)]->name : req.call_id;
    if (l.cfg.role == dsp::ChannelRole::Fxo) {
        if (!dialable_digits(t.number, l.dial_string) || l.dial_string.empty()) {
            dialstatus = "CHANUNAVAIL";
            VCE_LOG_NOTICE("chan_tdm: %s: '%s' cannot be dialled on a trunk", l.name.c_str(),
                           t.number.c_str());
            enter(l, LineState::Idle);
            return -1;
        }
        l.digits = l.dial_string;
        VCE_LOG_NOTICE("chan_tdm: %s: seized for %s", l.name.c_str(), l.digits.c_str());
        l.ch->signal(TdmEvent::OffHook);
        l.chain->resetAnswerDetection();
        enter(l, LineState::Seizing, now + milliseconds(cfg_.dial_tone_wait_ms));
    } else {
        l.digits = t.number;
        l.cid = {};
        l.cid.number = req.caller;
        l.cid.name = req.caller_name;
        char dt[16];
        const std::time_t tt = std::time(nullptr);
        std::tm tm{};
        localtime_r(&tt, &tm);
        std::strftime(dt, sizeof dt, "%m%d%H%M", &tm);
        l.cid.dateTime = dt;
        VCE_LOG_NOTICE("chan_tdm: %s: ringing, caller id '%s'", l.name.c_str(), req.caller.c_str());
        l.fxs.ring(now);  // the cadence counts from now, caller ID not sent yet
        enter(l, LineState::Ringing);
        // Report Ringing once the caller has its leg recorded.
        const unsigned long h = handle;
        const int idx = l.index;
        post([this, idx, h] {
            Line &x = *lines_[static_cast<std::size_t>(idx)];
            if (x.handle == h && x.report && x.state == LineState::Ringing)
                x.report({DialEvent::Ringing, "", 180, ""});
        });
    }
    return l.index;
}

void TdmEngine::leg_answered(Line &l) {
    VCE_LOG_NOTICE("chan_tdm: %s: answered", l.name.c_str());
    l.chain->stopTone();
    enter(l, LineState::Up);
    l.no_answer_at = Clock::time_point::max();
    l.last = "answered";
    auto report = l.report;
    if (report) report({DialEvent::Answered, "ANSWER", 200, l.rtp ? l.rtp->answer_sdp() : ""});
}

void TdmEngine::leg_failed(Line &l, const std::string &dialstatus) {
    VCE_LOG_NOTICE("chan_tdm: %s: %s", l.name.c_str(), dialstatus.c_str());
    auto report = std::move(l.report);
    l.report = nullptr;
    if (l.ch) {
        if (l.cfg.role == dsp::ChannelRole::Fxo)
            l.ch->signal(TdmEvent::OnHook);
        else if (l.fxs.ring_on())
            l.ch->signal(TdmEvent::RingStop);
    }
    const std::string last = dialstatus;
    enter(l, LineState::Idle);
    l.last = last;
    const int sip = dialstatus == "BUSY" ? 486 : dialstatus == "NOANSWER" ? 480 : 503;
    if (report) report({DialEvent::Failed, dialstatus, sip, ""});
}

void TdmEngine::leg_ended(Line &l) {
    VCE_LOG_NOTICE("chan_tdm: %s: call ended by the line", l.name.c_str());
    auto report = std::move(l.report);
    l.report = nullptr;
    if (l.ch && l.cfg.role == dsp::ChannelRole::Fxo) l.ch->signal(TdmEvent::OnHook);
    enter(l, LineState::Idle);
    l.last = "ended";
    if (report) report({DialEvent::Ended, "", 0, ""});
}

void TdmEngine::release_leg(Line &l) {
    VCE_LOG_NOTICE("chan_tdm: %s: released by the caller", l.name.c_str());
    l.report = nullptr;
    const bool phone_up = l.cfg.role == dsp::ChannelRole::Fxs && l.state == LineState::Up;
    if (l.ch) {
        if (l.cfg.role == dsp::ChannelRole::Fxo)
            l.ch->signal(TdmEvent::OnHook);
        else if (l.fxs.ring_on())
            l.ch->signal(TdmEvent::RingStop);
    }
    enter(l, LineState::Idle);
    l.last = "released";
    if (phone_up) {  // the phone is still off hook: it hears busy until it hangs up
        play_tone(l, Tone::Busy);
        enter(l, LineState::Tone);
    }
}

MediaSettings TdmEngine::media_settings(dsp::Law law) const {
    MediaSettings ms;
    ms.address = cfg_.media_ip;
    ms.port_min = cfg_.rtp_port_min;
    ms.port_max = cfg_.rtp_port_max;
    ms.law = law;
    return ms;
}

Line *TdmEngine::line_by_handle(unsigned long handle) {
    for (auto &l : lines_)
        if (l->handle == handle && handle) return l.get();
    return nullptr;
}

}  // namespace vce::tdm
