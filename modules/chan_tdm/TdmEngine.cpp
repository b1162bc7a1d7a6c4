// chan_tdm's TDM thread: poll loop, per-channel DSP, FXS/trunk call handling, bridging.
#include "TdmEngine.h"

#include <poll.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <sstream>
#include <stdexcept>

#include "spandsp_glue/SpanWire.h"
#include "spandsp_glue/VirtualSpan.h"
#include "vce/CallDriver.h"
#include "vce/DialplanService.h"
#include "vce/Log.h"
#include "vce/Threads.h"
#ifdef HAVE_DAHDI_USER_H
#include "spandsp_glue/DahdiSpan.h"
#endif

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
constexpr std::size_t kInboxMax = 640;
}  // namespace

const char *lineStateName(LineState s) {
    switch (s) {
        case LineState::Unattached:
            return "unattached";
        case LineState::Idle:
            return "idle";
        case LineState::DialTone:
            return "dialtone";
        case LineState::Collecting:
            return "collecting digits";
        case LineState::Routing:
            return "routing";
        case LineState::Seizing:
            return "seizing";
        case LineState::Dialling:
            return "dialling";
        case LineState::Ringing:
            return "ringing";
        case LineState::Up:
            return "up";
        case LineState::Tone:
            return "tone";
    }
    return "?";
}

struct TdmEngine::Span {
    SpanConfig cfg;
    std::unique_ptr<dsp::VirtualSpan> virt;
#ifdef HAVE_DAHDI_USER_H
    std::unique_ptr<dsp::DahdiSpan> dahdi;
#endif
    std::vector<int> lines;  // engine line index per channel (0-based channel)
};

TdmEngine::TdmEngine(TdmConfig config, DialplanService *dialplan, ChannelRegistry *channels)
    : cfg_(std::move(config)), dialplan_(dialplan), channels_(channels) {
    for (const SpanConfig &sc : cfg_.spans) {
        auto s = std::make_unique<Span>();
        s->cfg = sc;
        if (sc.type == SpanType::Virtual) {
            s->virt = std::make_unique<dsp::VirtualSpan>(sc.path, sc.channels, sc.law, sc.role);
        }
#ifdef HAVE_DAHDI_USER_H
        else {
            s->dahdi = std::make_unique<dsp::DahdiSpan>(sc.first, sc.channels, sc.law);
        }
#endif
        for (const LineConfig &lc : sc.lines) {
            auto l = std::make_unique<Line>();
            l->index = static_cast<int>(lines_.size());
            l->span = static_cast<int>(spans_.size());
            l->cfg = lc;
            l->name = "TDM/" + sc.name + "/" + std::to_string(lc.number);
            dsp::DspChainConfig dc;
            dc.law = sc.law;
            dc.country = cfg_.country;
            dc.echo = sc.echo;
            dc.detectDtmf = true;
            dc.detectCallProgress = lc.role == dsp::ChannelRole::Fxo;
            dc.detectFax = true;
            l->chain = std::make_unique<dsp::DspChain>(dc);
            s->lines.push_back(l->index);
            lines_.push_back(std::move(l));
        }
#ifdef HAVE_DAHDI_USER_H
        if (s->dahdi)
            for (int i = 1; i <= sc.channels; ++i)
                attach(*lines_[s->lines[i - 1]], s->dahdi->channel(i));
#endif
        spans_.push_back(std::move(s));
    }
}

TdmEngine::~TdmEngine() {
    stop_ = true;
    queue_.post([] {});  // wakes the loop (it polls with a timeout anyway)
    if (thread_.joinable()) thread_.join();
    queue_.close();  // work posted too late is dropped unrun
    // Release what is still in use: trunks on hook, phones stop ringing.
    for (auto &l : lines_) {
        if (!l->ch || l->state == LineState::Idle || l->state == LineState::Unattached) continue;
        if (l->cfg.role == dsp::ChannelRole::Fxo)
            l->ch->signal(TdmEvent::OnHook);
        else if (l->ringOn)
            l->ch->signal(TdmEvent::RingStop);
    }
    lines_.clear();
    spans_.clear();
}

void TdmEngine::start() {
    thread_ = std::thread([this] { run(); });
}

void TdmEngine::post(std::function<void()> fn) {
    queue_.post(std::move(fn));
}

// ---------------------------------------------------------------- the loop

void TdmEngine::run() {
    threads::enter("tdm");
    std::vector<pollfd> fds;
    std::vector<int> owner;  // >= 0: line index; -1: work queue; -2 - i: listening socket of span i
    while (!stop_) {
        fds.clear();
        owner.clear();
        fds.push_back({queue_.fd(), POLLIN, 0});
        owner.push_back(-1);
        for (std::size_t i = 0; i < spans_.size(); ++i)
            if (spans_[i]->virt) {
                fds.push_back({spans_[i]->virt->fd(), POLLIN, 0});
                owner.push_back(-2 - static_cast<int>(i));
            }
        for (auto &l : lines_)
            if (l->ch) {
                fds.push_back(
                    {l->ch->fd(), static_cast<short>(l->ch->pollEvents() | POLLIN | POLLPRI), 0});
                owner.push_back(l->index);
            }
        const int rtpBase = static_cast<int>(lines_.size());  // owner rtpBase + i: RTP of line i
        for (auto &l : lines_)
            if (l->rtp) {
                fds.push_back({l->rtp->fd(), POLLIN, 0});
                owner.push_back(rtpBase + l->index);
            }
        const int r = poll(fds.data(), fds.size(), 20);
        if (r < 0 && errno != EINTR) {
            VCE_LOG_ERROR("chan_tdm: poll: %s", std::strerror(errno));
            break;
        }
        for (std::size_t i = 0; r > 0 && i < fds.size(); ++i) {
            if (!fds[i].revents) continue;
            if (owner[i] == -1)
                queue_.drain();
            else if (owner[i] <= -2)
                serviceSpan(*spans_[static_cast<std::size_t>(-2 - owner[i])], fds[i].revents);
            else if (owner[i] >= rtpBase)
                readRtp(*lines_[static_cast<std::size_t>(owner[i] - rtpBase)]);
            else
                readLine(*lines_[static_cast<std::size_t>(owner[i])]);
        }
        const auto now = Clock::now();
        for (auto &l : lines_) tick(*l, now);
    }
    threads::leave();
}

void TdmEngine::serviceSpan(Span &s, short) {
    for (int n : s.virt->service()) {
        Line &l = *lines_[s.lines[static_cast<std::size_t>(n - 1)]];
        attach(l, s.virt->channel(n));
    }
}

void TdmEngine::attach(Line &l, dsp::TdmChannel *ch) {
    l.ch = ch;
    enter(l, LineState::Idle);
    VCE_LOG_NOTICE("chan_tdm: %s attached (%s, group %s)", l.name.c_str(),
                   l.cfg.role == dsp::ChannelRole::Fxs ? "fxs" : "fxo", l.cfg.group.c_str());
}

void TdmEngine::detach(Line &l) {
    VCE_LOG_NOTICE("chan_tdm: %s: far end went away", l.name.c_str());
    // As if the line hung up: the origin's call ends, a leg reports its end.
    if (l.exec || l.overlap || l.legHandle) endOrigin(l);
    if (l.report) {
        if (l.state == LineState::Up)
            legEnded(l);
        else
            legFailed(l, "CHANUNAVAIL");
    }
    l.ch = nullptr;
    Span &s = *spans_[static_cast<std::size_t>(l.span)];
    if (s.virt) s.virt->detach(l.cfg.number);
    enter(l, LineState::Unattached);
}

void TdmEngine::readLine(Line &l) {
    for (int i = 0; i < 64 && l.ch; ++i) {
        uint8_t frame[dsp::wire::kMaxAudio];
        std::size_t len = 0;
        TdmEvent ev = TdmEvent::None;
        const auto st = l.ch->read(frame, sizeof frame, len, ev);
        if (st == dsp::TdmChannel::ReadStatus::Audio)
            onAudio(l, frame, len);
        else if (st == dsp::TdmChannel::ReadStatus::Event)
            onSignal(l, ev);
        else if (st == dsp::TdmChannel::ReadStatus::Again)
            return;
        else {
            detach(l);
            return;
        }
    }
}

// RTP of a gateway leg: once the line is up, audio goes to the chain (through the inbox) and
// RFC 4733 digits are played in-band on the line; before that, packets are read and dropped.
void TdmEngine::readRtp(Line &l) {
    if (!l.rtp) return;
    std::deque<int16_t> audio;
    std::string digits;
    l.rtp->receive(audio, digits);
    if (l.state != LineState::Up) return;
    l.inbox.insert(l.inbox.end(), audio.begin(), audio.end());
    while (l.inbox.size() > kInboxMax) l.inbox.pop_front();
    if (!digits.empty()) {
        VCE_LOG_NOTICE("chan_tdm: %s: RTP digits %s played in-band", l.name.c_str(),
                       digits.c_str());
        l.chain->sendDtmf(digits);
    }
}

// One block from the line: through the chain both ways, written back at once (the line is
// the clock), the echo-cancelled audio to the bridged peer (a line here or RTP).
void TdmEngine::onAudio(Line &l, const uint8_t *frame, std::size_t len) {
    if (len == 0 || len > dsp::wire::kMaxAudio) return;
    int16_t fromNet[dsp::wire::kMaxAudio], toNet[dsp::wire::kMaxAudio];
    uint8_t toLine[dsp::wire::kMaxAudio];
    Line *peer = nullptr;
    const int peerIdx = l.legLine >= 0 ? l.legLine : l.originLine;
    if (l.state == LineState::Up && peerIdx >= 0)
        peer = lines_[static_cast<std::size_t>(peerIdx)].get();
    RtpBridge *rtp = l.state == LineState::Up ? l.rtp.get() : nullptr;
    const int16_t *net = nullptr;
    if ((peer || rtp) && !l.inbox.empty()) {
        std::size_t i = 0;
        for (; i < len && !l.inbox.empty(); ++i) {
            fromNet[i] = l.inbox.front();
            l.inbox.pop_front();
        }
        for (; i < len; ++i) fromNet[i] = 0;
        net = fromNet;
    }
    l.chain->process(frame, toNet, net, toLine, len);
    l.ch->writeAudio(toLine, len);
    if (peer && peer->state == LineState::Up) {
        peer->inbox.insert(peer->inbox.end(), toNet, toNet + len);
        while (peer->inbox.size() > kInboxMax) peer->inbox.pop_front();
    }
    if (rtp) rtp->send(toNet, len);
    dsp::DspEventQueue events;
    l.chain->takeEvents(events);
    for (const DspEvent &e : events) onDsp(l, e);
}

void TdmEngine::enter(Line &l, LineState s, Clock::time_point deadline) {
    l.state = s;
    l.since = Clock::now();
    l.deadline = deadline;
    if (s == LineState::Idle || s == LineState::Unattached) {
        l.chain->stopTone();
        l.inbox.clear();
        l.peer.clear();
        l.ringOn = false;
        l.cidSent = false;
        l.noAnswerAt = Clock::time_point::max();
        l.report = nullptr;
        l.handle = 0;
        l.originLine = -1;
        l.legLine = -1;
        l.legHandle = 0;
        l.legTech = nullptr;
        l.legAnswered = false;
        l.overlap.reset();
        l.exec.reset();
        l.dialString.clear();
        l.rtp.reset();  // stops the media and frees the port
    }
}

void TdmEngine::playTone(Line &l, Tone t) {
    if (l.chain->playingTone() != t) l.chain->playTone(t);
}

Line *TdmEngine::lineByHandle(unsigned long handle) {
    for (auto &l : lines_)
        if (l->handle == handle && handle) return l.get();
    return nullptr;
}

// ---------------------------------------------------------------- signalling and DSP events

void TdmEngine::onSignal(Line &l, TdmEvent ev) {
    VCE_LOG_DEBUG("chan_tdm: %s: line %s", l.name.c_str(), dsp::tdmEventName(ev));
    if (l.cfg.role == dsp::ChannelRole::Fxs) {
        if (ev == TdmEvent::OffHook) {
            if (l.state == LineState::Idle)
                offHook(l);
            else if (l.state == LineState::Ringing && l.report) {
                if (l.ringOn) l.ch->signal(TdmEvent::RingStop);
                l.ringOn = false;
                legAnswered(l);
            }
        } else if (ev == TdmEvent::OnHook) {
            if (l.report) {
                if (l.state == LineState::Up)
                    legEnded(l);
                else if (l.state != LineState::Ringing)
                    enter(l, LineState::Idle);
            } else if (l.state != LineState::Idle) {
                VCE_LOG_NOTICE("chan_tdm: %s: on hook", l.name.c_str());
                endOrigin(l);
                enter(l, LineState::Idle);
            }
        }
        return;
    }
    // FXO: the exchange rings us (a call in), answers or reverses polarity (answer).
    if (ev == TdmEvent::RingStart && l.state == LineState::Idle) {
        VCE_LOG_NOTICE("chan_tdm: %s: call from the PSTN, answering for the DID", l.name.c_str());
        l.ch->signal(TdmEvent::OffHook);
        ++l.callGen;
        l.overlap = std::make_unique<dialplan::OverlapDialler>(dialplan_->current(), l.cfg.context,
                                                               milliseconds(cfg_.interDigitMs));
        l.digits.clear();
        l.peer = "PSTN";
        enter(l, LineState::Collecting, Clock::now() + seconds(kDidFirstDigitS));
    } else if ((ev == TdmEvent::Answer || ev == TdmEvent::Polarity) && l.report &&
               (l.state == LineState::Ringing || l.state == LineState::Dialling)) {
        legAnswered(l);
    } else if (ev == TdmEvent::OnHook && l.state != LineState::Idle) {
        // The exchange released the line (loop current gone: the far end hung up).
        if (l.report) {
            if (l.state == LineState::Up) legEnded(l);
        } else if (l.exec || l.overlap || l.legHandle) {
            VCE_LOG_NOTICE("chan_tdm: %s: the PSTN caller hung up", l.name.c_str());
            endOrigin(l);
            l.ch->signal(TdmEvent::OnHook);
            enter(l, LineState::Idle);
            l.last = "caller hung up";
        }
    }
}

void TdmEngine::onDsp(Line &l, const DspEvent &e) {
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
                legFailed(l, "BUSY");
            else if (e.tone == Tone::Congestion)
                legFailed(l, "CONGESTION");
            else if (e.tone == Tone::Ringback && l.state == LineState::Ringing && l.report) {
                if (l.last != "ringing") l.report({DialEvent::Ringing, "", 180, ""});
                l.last = "ringing";
            }
        }
    } else if (e.type == DspEventType::Answered && l.state == LineState::Ringing) {
        legAnswered(l);
    }
}

void TdmEngine::tick(Line &l, Clock::time_point now) {
    if (!l.ch) return;
    // Ringing a phone: cadence, and caller ID between the first and second ring.
    if (l.cfg.role == dsp::ChannelRole::Fxs && l.state == LineState::Ringing) {
        const long ms = std::chrono::duration_cast<milliseconds>(now - l.ringStarted).count();
        const bool on = ms % kRingCycleMs < kRingOnMs;
        if (on != l.ringOn) {
            l.ch->signal(on ? TdmEvent::RingStart : TdmEvent::RingStop);
            l.ringOn = on;
        }
        if (!l.cidSent && ms >= kCidAtMs) {
            l.cidSent = true;
            if (!l.cid.number.empty() || !l.cid.name.empty()) l.chain->sendCallerId(l.cid);
        }
    }
    if (l.report && now >= l.noAnswerAt && l.state != LineState::Up) {
        legFailed(l, "NOANSWER");
        return;
    }
    if (now < l.deadline) return;
    switch (l.state) {
        case LineState::DialTone:
            VCE_LOG_NOTICE("chan_tdm: %s: off hook without dialling", l.name.c_str());
            l.overlap.reset();
            playTone(l, Tone::Congestion);
            enter(l, LineState::Tone);
            break;
        case LineState::Collecting: {
            if (!l.overlap) break;
            if (l.overlap->digits().empty()) {  // a trunk call without a DID
                VCE_LOG_NOTICE("chan_tdm: %s: no number received", l.name.c_str());
                finishCall(l, "");
                break;
            }
            const auto r = l.overlap->timeout(now);
            if (r.action == dialplan::OverlapDialler::Action::Dial)
                startCall(l, r.number);
            else {
                VCE_LOG_NOTICE("chan_tdm: %s: %s is not a number in [%s]", l.name.c_str(),
                               l.overlap->digits().c_str(), l.cfg.context.c_str());
                l.last = "invalid " + l.overlap->digits();
                finishCall(l, "");
            }
            break;
        }
        case LineState::Seizing:
            // Dial tone heard (or waited long enough): send the number.
            l.chain->stopTone();
            if (!l.chain->sendDtmf(l.dialString)) {
                legFailed(l, "CONGESTION");
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

// ---------------------------------------------------------------- calls from lines and trunks

void TdmEngine::offHook(Line &l) {
    VCE_LOG_NOTICE("chan_tdm: %s: off hook, dial tone", l.name.c_str());
    ++l.callGen;
    l.digits.clear();
    l.last.clear();
    l.overlap = std::make_unique<dialplan::OverlapDialler>(dialplan_->current(), l.cfg.context,
                                                           milliseconds(cfg_.interDigitMs));
    playTone(l, Tone::Dial);
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
            startCall(l, r.number);
            break;
        case dialplan::OverlapDialler::Action::Invalid:
            VCE_LOG_NOTICE("chan_tdm: %s: %s cannot match in [%s]", l.name.c_str(),
                           l.digits.c_str(), l.cfg.context.c_str());
            l.last = "invalid " + l.digits;
            finishCall(l, "");
            break;
        case dialplan::OverlapDialler::Action::Wait:
            enter(l, LineState::Collecting, l.overlap->deadline());
            break;
    }
}

void TdmEngine::startCall(Line &l, const std::string &exten) {
    VCE_LOG_NOTICE("chan_tdm: %s: dialled %s, dialplan [%s]", l.name.c_str(), exten.c_str(),
                   l.cfg.context.c_str());
    l.digits = exten;
    auto plan = dialplan_->current();
    l.exec =
        std::make_unique<dialplan::Execution>(plan, dialplan_->registry(), l.cfg.context, exten);
    l.overlap.reset();
    l.exec->set(channel_vars::kCallerNum, l.cfg.callerid);
    l.exec->set(channel_vars::kCallerName, l.cfg.callername);
    l.exec->set("TDM_CHANNEL", l.name);
    l.exec->set("TDM_GROUP", l.cfg.group);
    l.exec->set("TDM_SIGNALLING", l.cfg.role == dsp::ChannelRole::Fxs ? "fxs" : "fxo");
    enter(l, LineState::Routing);
    continueCall(l);
}

void TdmEngine::continueCall(Line &l) {
    if (!l.exec) return;
    const auto st = l.exec->run();
    if (st == dialplan::Execution::State::Waiting) {
        if (l.exec->waiting_app() == "Dial" || l.exec->waiting_app() == "dial") {
            startDial(l, l.exec->waiting_args());
        } else {
            VCE_LOG_WARNING("chan_tdm: %s: %s waits, which chan_tdm cannot serve; hanging up",
                            l.name.c_str(), l.exec->waiting_app().c_str());
            finishCall(l, "");
        }
        return;
    }
    VCE_LOG_NOTICE(
        "chan_tdm: %s: dialplan ended: %s%s%s", l.name.c_str(), l.exec->end_reason().c_str(),
        l.exec->get("HANGUPCAUSE").empty() ? "" : ", cause ", l.exec->get("HANGUPCAUSE").c_str());
    finishCall(l, l.exec->get("DIALSTATUS"));
}

// The dialplan is done with this call (or it could not start): a phone hears busy or
// congestion until it hangs up; a trunk is released.
void TdmEngine::finishCall(Line &l, const std::string &dialstatus) {
    if (l.exec && l.last.empty()) l.last = "ended: " + l.exec->end_reason();
    l.exec.reset();
    l.overlap.reset();
    if (l.legLine >= 0 || l.legHandle) endOrigin(l);
    if (l.cfg.role == dsp::ChannelRole::Fxo) {
        l.ch->signal(TdmEvent::OnHook);
        enter(l, LineState::Idle);
        return;
    }
    l.inbox.clear();
    playTone(l, dialstatus == "BUSY" ? Tone::Busy : Tone::Congestion);
    enter(l, LineState::Tone);
    l.legLine = -1;
}

// The origin hung up (or its call is over): the leg it dialled ends without further events.
void TdmEngine::endOrigin(Line &l) {
    ++l.callGen;
    if (l.legLine >= 0) {
        Line &leg = *lines_[static_cast<std::size_t>(l.legLine)];
        if (leg.handle == l.legHandle) releaseLeg(leg);
    } else if (l.legTech && l.legHandle) {
        l.legTech->hangup(l.legHandle);
    }
    if (l.legTech) l.rtp.reset();  // the media of our call to the other technology
    l.legLine = -1;
    l.legHandle = 0;
    l.legTech = nullptr;
    l.exec.reset();
    l.overlap.reset();
}

void TdmEngine::startDial(Line &l, const std::vector<std::string> &args) {
    const std::string target = args.empty() ? "" : args[0];
    int timeout = cfg_.ringTimeoutS;
    if (args.size() > 1 && !args[1].empty()) {
        try {
            timeout = std::max(1, std::stoi(args[1]));
        } catch (...) {
        }
    }
    const auto slash = target.find('/');
    const std::string tech = target.substr(0, slash),
                      resource = slash == std::string::npos ? "" : target.substr(slash + 1);
    const unsigned gen = l.callGen;
    const int origin = l.index;
    auto fail = [&](const std::string &status, const std::string &why) {
        VCE_LOG_NOTICE("chan_tdm: %s: Dial(%s) -> DIALSTATUS=%s (%s)", l.name.c_str(),
                       target.c_str(), status.c_str(), why.c_str());
        l.last = "Dial(" + target + ") " + status;
        l.exec->resume({{"DIALSTATUS", status}});
        continueCall(l);
    };
    DialRequest req;
    req.call_id = l.name + "-" + std::to_string(gen);
    req.resource = resource;
    req.caller = l.exec->get(channel_vars::kCallerNum);
    req.caller_name = l.exec->get(channel_vars::kCallerName);
    req.timeout_seconds = timeout;
    VCE_LOG_NOTICE("chan_tdm: %s: Dial(%s,%d)", l.name.c_str(), target.c_str(), timeout);
    l.peer = target;
    if (tech == "TDM") {
        DialTarget t;
        if (!parseDialTarget(resource, t)) return fail("CHANUNAVAIL", "not TDM/<group>/<number>");
        if (l.cfg.role == dsp::ChannelRole::Fxo) {
            // A call from the PSTN never goes back out to the PSTN, whatever the dialplan says.
            for (auto &x : lines_)
                if (x->cfg.group == t.group && x->cfg.role == dsp::ChannelRole::Fxo) {
                    VCE_LOG_WARNING(
                        "chan_tdm: %s: refused Dial(%s): a call from a trunk may not leave on a "
                        "trunk",
                        l.name.c_str(), target.c_str());
                    return fail("CHANUNAVAIL", "trunk to trunk refused");
                }
        }
        const unsigned long h = nextHandle_++;
        std::string status;
        const int leg = placeLeg(
            t, req, origin,
            [this, origin, gen](const DialEvent &ev) { onLegEvent(origin, gen, ev); }, h, status);
        if (leg < 0) return fail(status, "no channel");
        l.legLine = leg;
        l.legHandle = h;
        return;
    }
    std::shared_ptr<ChannelTech> ct = channels_ ? channels_->acquire(tech) : nullptr;
    if (!ct) return fail("CHANUNAVAIL", "no channel technology " + tech);
    // Another module's technology (SIP): the media first. Our RTP offer travels in the request;
    // the answer arrives with Answered, and the line's audio is then bridged to RTP.
    RtpBridge::Setup media = RtpBridge::offer(
        mediaSettings(spans_[static_cast<std::size_t>(l.span)]->cfg.law), rtpCursor_);
    if (!media.bridge) return fail("CONGESTION", "media: " + media.reason);
    req.sdp_offer = media.bridge->offerSdp();
    l.rtp = std::move(media.bridge);
    // Its events arrive on its thread and are posted here.
    l.legTech = ct;
    const unsigned long h = ct->dial(req, [this, origin, gen](const DialEvent &ev) {
        post([this, origin, gen, ev] { onLegEvent(origin, gen, ev); });
    });
    if (!h) {
        l.legTech = nullptr;
        l.rtp.reset();
        return fail("CHANUNAVAIL", tech + " refused the call");
    }
    l.legHandle = h;
}

MediaSettings TdmEngine::mediaSettings(dsp::Law law) const {
    MediaSettings ms;
    ms.address = cfg_.mediaIp;
    ms.portMin = cfg_.rtpPortMin;
    ms.portMax = cfg_.rtpPortMax;
    ms.law = law;
    return ms;
}

void TdmEngine::onLegEvent(int origin, unsigned gen, const DialEvent &ev) {
    Line &l = *lines_[static_cast<std::size_t>(origin)];
    if (l.callGen != gen || !l.exec) return;  // the caller has gone meanwhile
    switch (ev.kind) {
        case DialEvent::Ringing:
            // The caller hears ringback: a phone here, or the PSTN caller whose call we took.
            playTone(l, Tone::Ringback);
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
                    if (l.legTech && l.legHandle) l.legTech->hangup(l.legHandle);
                    l.legHandle = 0;
                    l.legTech = nullptr;
                    l.rtp.reset();
                    l.chain->stopTone();
                    l.last = "Dial(" + l.peer + ") CONGESTION (media)";
                    enter(l, LineState::Routing);
                    l.exec->resume({{"DIALSTATUS", "CONGESTION"}});
                    continueCall(l);
                    break;
                }
                VCE_LOG_NOTICE("chan_tdm: %s: media %s", l.name.c_str(), l.rtp->describe().c_str());
                l.inbox.clear();
            }
            VCE_LOG_NOTICE("chan_tdm: %s: %s answered", l.name.c_str(), l.peer.c_str());
            l.legAnswered = true;
            l.chain->stopTone();
            l.last = "Dial(" + l.peer + ") ANSWER";
            if (l.cfg.role == dsp::ChannelRole::Fxs)
                l.ch->signal(TdmEvent::Polarity);  // answer supervision
            enter(l, LineState::Up);
            if (l.legLine >= 0) bridge(l, *lines_[static_cast<std::size_t>(l.legLine)]);
            break;
        case DialEvent::Failed:
        case DialEvent::Ended: {
            const std::string status = ev.kind == DialEvent::Ended ? "ANSWER" : ev.dialstatus;
            VCE_LOG_NOTICE("chan_tdm: %s: Dial(%s) -> DIALSTATUS=%s", l.name.c_str(),
                           l.peer.c_str(), status.c_str());
            l.last = "Dial(" + l.peer + ") " + status;
            if (ev.kind == DialEvent::Ended) l.last += " ended";
            l.legLine = -1;
            l.legHandle = 0;
            l.legTech = nullptr;
            l.rtp.reset();  // the media of that leg: socket closed, port free
            l.chain->stopTone();
            l.inbox.clear();
            enter(l, LineState::Routing);
            l.exec->resume({{"DIALSTATUS", status}});
            continueCall(l);
            break;
        }
    }
}

// ---------------------------------------------------------------- dialled legs

unsigned long TdmEngine::dial(const DialRequest &req, ChannelTech::Events events) {
    DialTarget t;
    if (!parseDialTarget(req.resource, t) || !cfg_.hasGroup(t.group)) return 0;
    const unsigned long h = nextHandle_++;
    post([this, req, events, h, t] {
        // A caller with an SDP offer gets RTP: nothing acceptable -> 488 and no call placed.
        std::unique_ptr<RtpBridge> rtp;
        if (!req.sdp_offer.empty()) {
            MediaSettings ms = mediaSettings(dsp::Law::Alaw);
            for (auto &x : lines_)
                if (x->cfg.group == t.group) {
                    ms.law = spans_[static_cast<std::size_t>(x->span)]->cfg.law;
                    break;
                }
            RtpBridge::Setup setup = RtpBridge::answer(req.sdp_offer, ms, rtpCursor_);
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
        const int idx = placeLeg(t, req, -1, events, h, status);
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
        if (Line *l = lineByHandle(handle)) releaseLeg(*l);
    });
}

int TdmEngine::placeLeg(const DialTarget &t, const DialRequest &req, int origin,
                        ChannelTech::Events report, unsigned long handle, std::string &dialstatus) {
    Line *free = nullptr;
    bool any = false, fxs = false;
    for (auto &x : lines_) {
        if (x->cfg.group != t.group) continue;
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
    l.originLine = origin;
    l.last.clear();
    const auto now = Clock::now();
    l.noAnswerAt = now + seconds(req.timeout_seconds > 0 ? req.timeout_seconds : cfg_.ringTimeoutS);
    l.peer = origin >= 0 ? lines_[static_cast<std::size_t>(origin)]->name : req.call_id;
    if (l.cfg.role == dsp::ChannelRole::Fxo) {
        if (!dialableDigits(t.number, l.dialString) || l.dialString.empty()) {
            dialstatus = "CHANUNAVAIL";
            VCE_LOG_NOTICE("chan_tdm: %s: '%s' cannot be dialled on a trunk", l.name.c_str(),
                           t.number.c_str());
            enter(l, LineState::Idle);
            return -1;
        }
        l.digits = l.dialString;
        VCE_LOG_NOTICE("chan_tdm: %s: seized for %s", l.name.c_str(), l.digits.c_str());
        l.ch->signal(TdmEvent::OffHook);
        l.chain->resetAnswerDetection();
        enter(l, LineState::Seizing, now + milliseconds(cfg_.dialToneWaitMs));
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
        l.ringStarted = now;
        l.ringOn = false;
        l.cidSent = false;
        enter(l, LineState::Ringing);
        l.ringStarted = now;
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

void TdmEngine::bridge(Line &a, Line &b) {
    a.inbox.clear();
    b.inbox.clear();
    VCE_LOG_NOTICE("chan_tdm: %s <-> %s bridged", a.name.c_str(), b.name.c_str());
}

void TdmEngine::legAnswered(Line &l) {
    VCE_LOG_NOTICE("chan_tdm: %s: answered", l.name.c_str());
    l.chain->stopTone();
    enter(l, LineState::Up);
    l.noAnswerAt = Clock::time_point::max();
    l.last = "answered";
    auto report = l.report;
    if (report) report({DialEvent::Answered, "ANSWER", 200, l.rtp ? l.rtp->answerSdp() : ""});
}

void TdmEngine::legFailed(Line &l, const std::string &dialstatus) {
    VCE_LOG_NOTICE("chan_tdm: %s: %s", l.name.c_str(), dialstatus.c_str());
    auto report = std::move(l.report);
    l.report = nullptr;
    if (l.ch) {
        if (l.cfg.role == dsp::ChannelRole::Fxo)
            l.ch->signal(TdmEvent::OnHook);
        else if (l.ringOn)
            l.ch->signal(TdmEvent::RingStop);
    }
    const std::string last = dialstatus;
    enter(l, LineState::Idle);
    l.last = last;
    const int sip = dialstatus == "BUSY" ? 486 : dialstatus == "NOANSWER" ? 480 : 503;
    if (report) report({DialEvent::Failed, dialstatus, sip, ""});
}

void TdmEngine::legEnded(Line &l) {
    VCE_LOG_NOTICE("chan_tdm: %s: call ended by the line", l.name.c_str());
    auto report = std::move(l.report);
    l.report = nullptr;
    if (l.ch && l.cfg.role == dsp::ChannelRole::Fxo) l.ch->signal(TdmEvent::OnHook);
    enter(l, LineState::Idle);
    l.last = "ended";
    if (report) report({DialEvent::Ended, "", 0, ""});
}

void TdmEngine::releaseLeg(Line &l) {
    VCE_LOG_NOTICE("chan_tdm: %s: released by the caller", l.name.c_str());
    l.report = nullptr;
    const bool phoneUp = l.cfg.role == dsp::ChannelRole::Fxs && l.state == LineState::Up;
    if (l.ch) {
        if (l.cfg.role == dsp::ChannelRole::Fxo)
            l.ch->signal(TdmEvent::OnHook);
        else if (l.ringOn)
            l.ch->signal(TdmEvent::RingStop);
    }
    enter(l, LineState::Idle);
    l.last = "released";
    if (phoneUp) {  // the phone is still off hook: it hears busy until it hangs up
        playTone(l, Tone::Busy);
        enter(l, LineState::Tone);
    }
}

// ---------------------------------------------------------------- vcectl

void TdmEngine::showSpans(std::function<void(std::string)> done) {
    post([this, done] {
        std::ostringstream o;
        o << "SPAN         TYPE     SIGNALLING  LAW   CHANNELS  ATTACHED  WHERE\n";
        for (auto &s : spans_) {
            int attached = 0;
            for (int i : s->lines)
                if (lines_[static_cast<std::size_t>(i)]->ch) ++attached;
            char buf[512];
            std::snprintf(buf, sizeof buf, "%-12s %-8s %-11s %-5s %-9d %-9d %s\n",
                          s->cfg.name.c_str(),
                          s->cfg.type == SpanType::Virtual ? "virtual" : "dahdi",
                          s->cfg.role == dsp::ChannelRole::Fxs ? "fxs" : "fxo",
                          dsp::lawName(s->cfg.law), s->cfg.channels, attached,
                          s->cfg.type == SpanType::Virtual
                              ? s->cfg.path.c_str()
                              : ("dahdi " + std::to_string(s->cfg.first)).c_str());
            o << buf;
        }
        o << spans_.size() << " spans, country " << cfg_.country << "\n";
        done(o.str());
    });
}

void TdmEngine::showChannels(std::function<void(std::string)> done) {
    post([this, done] {
        std::ostringstream o;
        o << "CHANNEL          SIG  GROUP      CONTEXT        STATE              DIGITS           "
             "PEER"
             "                 LAST\n";
        for (auto &l : lines_) {
            char buf[768];
            std::snprintf(buf, sizeof buf, "%-16s %-4s %-10s %-14s %-18s %-16s %-20s %s\n",
                          l->name.c_str(), l->cfg.role == dsp::ChannelRole::Fxs ? "fxs" : "fxo",
                          l->cfg.group.c_str(), l->cfg.context.c_str(), lineStateName(l->state),
                          l->digits.empty() ? "-" : l->digits.c_str(),
                          l->peer.empty() ? "-" : l->peer.c_str(),
                          l->last.empty() ? "-" : l->last.c_str());
            o << buf;
            if (l->rtp) o << "    media: " << l->rtp->describe() << "\n";
        }
        o << lines_.size() << " channels\n";
        done(o.str());
    });
}

}  // namespace vce::tdm
