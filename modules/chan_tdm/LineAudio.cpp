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

void TdmEngine::playTone(Line &l, Tone t) {
    if (l.chain->playingTone() != t) l.chain->playTone(t);
}

void TdmEngine::bridge(Line &a, Line &b) {
    a.inbox.clear();
    b.inbox.clear();
    VCE_LOG_NOTICE("chan_tdm: %s <-> %s bridged", a.name.c_str(), b.name.c_str());
}

}  // namespace vce::tdm
