// chan_tdm: calls from lines and trunks through the dialplan: the execution, its Dial() of a
// TDM group or another technology, the leg's events, and the end of the call.
#include <algorithm>

#include "TdmEngine.h"
#include "TdmSpan.h"
#include "vce/CallDriver.h"
#include "vce/DialplanService.h"
#include "vce/Log.h"

namespace vce::tdm {

using dsp::TdmEvent;
using dsp::Tone;

void TdmEngine::start_call(Line &l, const std::string &exten) {
    VCE_LOG_NOTICE("chan_tdm: %s: dialled %s, dialplan [%s]", l.name.c_str(), exten.c_str(),
                   l.cfg.context.c_str());
    l.digits = exten;
    l.driver = std::make_unique<CallDriver>(
        *dialplan_, l.cfg.context, exten, CallerId{l.cfg.callerid, l.cfg.callername}, "TDM", l.name,
        cfg_.ring_timeout_s,
        std::map<std::string, std::string>{
            {"TDM_CHANNEL", l.name},
            {"TDM_GROUP", l.cfg.group},
            {"TDM_SIGNALLING", l.cfg.role == dsp::ChannelRole::Fxs ? "fxs" : "fxo"},
            // A phone's user may call the PSTN; a call from the PSTN reaches our numbers only
            // (never back out to the PSTN or another carrier: toll fraud).
            {channel_vars::kReach,
             routing::reach_name(l.cfg.role == dsp::ChannelRole::Fxs ? routing::Reach::Pstn
                                                                     : routing::Reach::Own)}});
    l.overlap.reset();
    enter(l, LineState::Routing);
    continue_call(l);
}

void TdmEngine::continue_call(Line &l) {
    if (!l.driver) return;
    const CallDriver::Step st = l.driver->run();
    if (st.kind == CallDriver::Step::Dial) return start_dial(l, st.dial);
    const std::string cause = l.driver->get("HANGUPCAUSE");
    VCE_LOG_NOTICE("chan_tdm: %s: dialplan ended: %s%s%s", l.name.c_str(), st.end_reason.c_str(),
                   cause.empty() ? "" : ", cause ", cause.c_str());
    finish_call(l, st.dialstatus);
}

// The dialplan is done with this call (or it could not start): a phone hears busy or
// congestion until it hangs up; a trunk is released.
void TdmEngine::finish_call(Line &l, const std::string &dialstatus) {
    if (l.driver && l.last.empty()) l.last = "ended: " + l.driver->execution().end_reason();
    l.driver.reset();
    l.overlap.reset();
    if (l.leg_line >= 0 || l.leg_handle) end_origin(l);
    if (l.cfg.role == dsp::ChannelRole::Fxo) {
        l.ch->signal(TdmEvent::OnHook);
        enter(l, LineState::Idle);
        return;
    }
    l.inbox.clear();
    play_tone(l, dialstatus == "BUSY" ? Tone::Busy : Tone::Congestion);
    enter(l, LineState::Tone);
    l.leg_line = -1;
}

// The origin hung up (or its call is over): the leg it dialled ends without further events.
void TdmEngine::end_origin(Line &l) {
    ++l.call_gen;
    if (l.leg_line >= 0) {
        Line &leg = *lines_[static_cast<std::size_t>(l.leg_line)];
        if (leg.handle == l.leg_handle) release_leg(leg);
    } else if (l.leg_tech && l.leg_handle) {
        l.leg_tech->hangup(l.leg_handle);
    }
    if (l.leg_tech) l.rtp.reset();  // the media of our call to the other technology
    l.leg_line = -1;
    l.leg_handle = 0;
    l.leg_tech = nullptr;
    l.driver.reset();
    l.overlap.reset();
}

void TdmEngine::start_dial(Line &l, const DialArgs &dial) {
    // A line has one leg: the first target is dialled (a TDM line does not fork).
    const std::string target = dial.targets.empty() ? "" : dial.targets.front();
    if (dial.targets.size() > 1)
        VCE_LOG_NOTICE("chan_tdm: %s: Dial(%s): a line dials one target; trying %s only",
                       l.name.c_str(), dial.text.c_str(), target.c_str());
    const int timeout = dial.timeout_seconds;
    const vce::DialTarget where = split_dial_target(target);
    const std::string &tech = where.tech, &resource = where.resource;
    const unsigned gen = l.call_gen;
    const int origin = l.index;
    auto fail = [&](const std::string &status, const std::string &why) {
        VCE_LOG_NOTICE("chan_tdm: %s: Dial(%s) -> DIALSTATUS=%s (%s)", l.name.c_str(),
                       target.c_str(), status.c_str(), why.c_str());
        l.last = "Dial(" + target + ") " + status;
        l.driver->dial_done(status);
        continue_call(l);
    };
    DialRequest req;
    req.call_id = l.name + "-" + std::to_string(gen);
    req.resource = resource;
    req.caller = l.driver->get(channel_vars::kCallerNum);
    req.caller_name = l.driver->get(channel_vars::kCallerName);
    req.timeout_seconds = timeout;
    req.reach = routing::reach_of_variable(l.driver->get(channel_vars::kReach));
    VCE_LOG_NOTICE("chan_tdm: %s: Dial(%s,%d)", l.name.c_str(), target.c_str(), timeout);
    l.peer = target;
    if (tech == "TDM") {
        DialTarget t;
        if (!parse_dial_target(resource, t)) return fail("CHANUNAVAIL", "not TDM/<group>/<number>");
        const unsigned long h = next_handle_++;
        std::string status;
        const int leg = place_leg(
            t, req, origin,
            [this, origin, gen](const DialEvent &ev) { on_leg_event(origin, gen, ev); }, h, status);
        if (leg < 0) return fail(status, "no channel");
        l.leg_line = leg;
        l.leg_handle = h;
        return;
    }
    std::shared_ptr<ChannelTech> ct = channels_ ? channels_->acquire(tech) : nullptr;
    if (!ct) return fail("CHANUNAVAIL", "no channel technology " + tech);
    // Another module's technology (SIP): the media first. Our RTP offer travels in the request;
    // the answer arrives with Answered, and the line's audio is then bridged to RTP.
    RtpBridge::Setup media = RtpBridge::offer(
        media_settings(spans_[static_cast<std::size_t>(l.span)]->cfg.law), rtp_cursor_);
    if (!media.bridge) return fail("CONGESTION", "media: " + media.reason);
    req.sdp_offer = media.bridge->offer_sdp();
    l.rtp = std::move(media.bridge);
    // Its events arrive on its thread and are posted here.
    l.leg_tech = ct;
    const unsigned long h = ct->dial(req, [this, origin, gen](const DialEvent &ev) {
        post([this, origin, gen, ev] { on_leg_event(origin, gen, ev); });
    });
    if (!h) {
        l.leg_tech = nullptr;
        l.rtp.reset();
        return fail("CHANUNAVAIL", tech + " refused the call");
    }
    l.leg_handle = h;
}

void TdmEngine::on_leg_event(int origin, unsigned gen, const DialEvent &ev) {
    Line &l = *lines_[static_cast<std::size_t>(origin)];
    if (l.call_gen != gen || !l.driver) return;  // the caller has gone meanwhile
    switch (ev.kind) {
        case DialEvent::Ringing:
            // The caller hears ringback: a phone here, or the PSTN caller whose call we took.
            play_tone(l, Tone::Ringback);
            enter(l, LineState::Ringing);
            break;
        case DialEvent::Answered:
            if (l.rtp) {  // our offer's answer: codec, payload types, where to send RTP
                const auto r = ev.sdp_answer.empty()
                                   ? media::OfferAnswerResult{false, 488, "no SDP answer", "", {}}
                                   : l.rtp->accept(ev.sdp_answer);
                if (!r.ok) {
                    VCE_LOG_WARNING(
                        "chan_tdm: %s: %s answered with unusable media (%s); hanging up",
                        l.name.c_str(), l.peer.c_str(), r.reason.c_str());
                    if (l.leg_tech && l.leg_handle) l.leg_tech->hangup(l.leg_handle);
                    l.leg_handle = 0;
                    l.leg_tech = nullptr;
                    l.rtp.reset();
                    l.chain->stopTone();
                    l.last = "Dial(" + l.peer + ") CONGESTION (media)";
                    enter(l, LineState::Routing);
                    l.driver->dial_done("CONGESTION", 488);
                    continue_call(l);
                    break;
                }
                VCE_LOG_NOTICE("chan_tdm: %s: media %s", l.name.c_str(), l.rtp->describe().c_str());
                l.inbox.clear();
            }
            VCE_LOG_NOTICE("chan_tdm: %s: %s answered", l.name.c_str(), l.peer.c_str());
            l.leg_was_answered = true;
            l.chain->stopTone();
            l.last = "Dial(" + l.peer + ") ANSWER";
            if (l.cfg.role == dsp::ChannelRole::Fxs)
                l.ch->signal(TdmEvent::Polarity);  // answer supervision
            enter(l, LineState::Up);
            if (l.leg_line >= 0) bridge(l, *lines_[static_cast<std::size_t>(l.leg_line)]);
            break;
        case DialEvent::Failed:
        case DialEvent::Ended: {
            const std::string status = ev.kind == DialEvent::Ended ? "ANSWER" : ev.dialstatus;
            VCE_LOG_NOTICE("chan_tdm: %s: Dial(%s) -> DIALSTATUS=%s", l.name.c_str(),
                           l.peer.c_str(), status.c_str());
            l.last = "Dial(" + l.peer + ") " + status;
            if (ev.kind == DialEvent::Ended) l.last += " ended";
            l.leg_line = -1;
            l.leg_handle = 0;
            l.leg_tech = nullptr;
            l.rtp.reset();  // the media of that leg: socket closed, port free
            l.chain->stopTone();
            l.inbox.clear();
            enter(l, LineState::Routing);
            l.driver->dial_done(status, ev.kind == DialEvent::Failed ? ev.sip_status : 0);
            continue_call(l);
            break;
        }
    }
}

}  // namespace vce::tdm
