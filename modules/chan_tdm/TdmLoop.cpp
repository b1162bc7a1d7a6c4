// chan_tdm's TDM thread: the engine's spans and lines, the poll() loop over span sockets,
// channels, RTP and the work queue, and channels attaching and going away.
#include <poll.h>

#include <cerrno>
#include <cstring>

#include "TdmEngine.h"
#include "TdmSpan.h"
#include "vce/Log.h"
#include "vce/Threads.h"

namespace vce::tdm {

using dsp::TdmEvent;

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
        else if (l->fxs.ring_on())
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
        const int rtp_base = static_cast<int>(lines_.size());  // owner rtp_base + i: RTP of line i
        for (auto &l : lines_)
            if (l->rtp) {
                fds.push_back({l->rtp->fd(), POLLIN, 0});
                owner.push_back(rtp_base + l->index);
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
                service_span(*spans_[static_cast<std::size_t>(-2 - owner[i])], fds[i].revents);
            else if (owner[i] >= rtp_base)
                read_rtp(*lines_[static_cast<std::size_t>(owner[i] - rtp_base)]);
            else
                read_line(*lines_[static_cast<std::size_t>(owner[i])]);
        }
        const auto now = Clock::now();
        for (auto &l : lines_) tick(*l, now);
    }
    threads::leave();
}

void TdmEngine::service_span(Span &s, short) {
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
    if (l.driver || l.overlap || l.leg_handle) end_origin(l);
    if (l.report) {
        if (l.state == LineState::Up)
            leg_ended(l);
        else
            leg_failed(l, "CHANUNAVAIL");
    }
    l.ch = nullptr;
    Span &s = *spans_[static_cast<std::size_t>(l.span)];
    if (s.virt) s.virt->detach(l.cfg.number);
    enter(l, LineState::Unattached);
}

}  // namespace vce::tdm
