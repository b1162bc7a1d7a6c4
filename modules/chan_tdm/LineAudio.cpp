// chan_tdm: a line's audio per 20 ms block through its DSP chain, RTP of gateway legs,
// tones, and bridging two lines.
#include <deque>
#include <string>

#include "TdmEngine.h"
#include "spandsp_glue/SpanWire.h"
#include "vce/Log.h"

namespace vce::tdm {

using dsp::DspEvent;
using dsp::TdmEvent;
using dsp::Tone;

namespace {
constexpr std::size_t kInboxMax = 640;  // samples of bridged audio buffered per line
}  // namespace

void TdmEngine::read_line(Line &l) {
    for (int i = 0; i < 64 && l.ch; ++i) {
        uint8_t frame[dsp::wire::kMaxAudio];
        std::size_t len = 0;
        TdmEvent ev = TdmEvent::None;
        const auto st = l.ch->read(frame, sizeof frame, len, ev);
        if (st == dsp::TdmChannel::ReadStatus::Audio)
            on_audio(l, frame, len);
        else if (st == dsp::TdmChannel::ReadStatus::Event)
            on_signal(l, ev);
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
void TdmEngine::read_rtp(Line &l) {
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
void TdmEngine::on_audio(Line &l, const uint8_t *frame, std::size_t len) {
    if (len == 0 || len > dsp::wire::kMaxAudio) return;
    int16_t from_net[dsp::wire::kMaxAudio], to_net[dsp::wire::kMaxAudio];
    uint8_t to_line[dsp::wire::kMaxAudio];
    Line *peer = nullptr;
    const int peer_idx = l.leg_line >= 0 ? l.leg_line : l.origin_line;
    if (l.state == LineState::Up && peer_idx >= 0)
        peer = lines_[static_cast<std::size_t>(peer_idx)].get();
    RtpBridge *rtp = l.state == LineState::Up ? l.rtp.get() : nullptr;
    const int16_t *net = nullptr;
    if ((peer || rtp) && !l.inbox.empty()) {
        std::size_t i = 0;
        for (; i < len && !l.inbox.empty(); ++i) {
            from_net[i] = l.inbox.front();
            l.inbox.pop_front();
        }
        for (; i < len; ++i) from_net[i] = 0;
        net = from_net;
    }
    l.chain->process(frame, to_net, net, to_line, len);
    l.ch->writeAudio(to_line, len);
    if (peer && peer->state == LineState::Up) {
        peer->inbox.insert(peer->inbox.end(), to_net, to_net + len);
        while (peer->inbox.size() > kInboxMax) peer->inbox.pop_front();
    }
    if (rtp) rtp->send(to_net, len);
    dsp::DspEventQueue events;
    l.chain->takeEvents(events);
    for (const DspEvent &e : events) on_dsp(l, e);
}

void TdmEngine::play_tone(Line &l, Tone t) {
    if (l.chain->playingTone() != t) l.chain->playTone(t);
}

void TdmEngine::bridge(Line &a, Line &b) {
    a.inbox.clear();
    b.inbox.clear();
    VCE_LOG_NOTICE("chan_tdm: %s <-> %s bridged", a.name.c_str(), b.name.c_str());
}

}  // namespace vce::tdm
