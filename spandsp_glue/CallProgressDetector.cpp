// Call-progress detection on trunks: dial tone, ringback, busy, congestion (SpanDSP super_tone_rx)
// and answer (speech-like energy that is not a tone, after dialling).
#include "spandsp_glue/CallProgressDetector.h"

#include <algorithm>
#include <stdexcept>

namespace vce::dsp {
namespace {

// Accepted length of a cadence element: ±20 % and ±40 ms.
int minMs(int ms) { return std::max(20, ms * 8 / 10 - 40); }
int maxMs(int ms) { return ms * 12 / 10 + 40; }

void addCadence(super_tone_rx_descriptor_t *d, int id, const ToneSpec &s) {
    const int f2 = s.f2 ? s.f2 : -1;
    super_tone_rx_add_element(d, id, s.f1, f2, minMs(s.on1), maxMs(s.on1));
    super_tone_rx_add_element(d, id, -1, -1, minMs(s.off1), maxMs(s.off1));
    if (s.on2) {
        super_tone_rx_add_element(d, id, s.f1, f2, minMs(s.on2), maxMs(s.on2));
        super_tone_rx_add_element(d, id, -1, -1, minMs(s.off2), maxMs(s.off2));
    }
}

}  // namespace

CallProgressDetector::CallProgressDetector(const TonePlan &plan, DspEventQueue &events)
    : events_(events) {
    desc_.reset(super_tone_rx_make_descriptor(nullptr));
    if (!desc_) throw std::runtime_error("call progress: cannot allocate a SpanDSP tone descriptor");
    // Dial tone must outlast any "on" period of the other tones before it is called dial tone.
    int longestOn = 0;
    for (const ToneSpec *s : {&plan.ringback, &plan.busy, &plan.congestion})
        longestOn = std::max({longestOn, maxMs(s->on1), maxMs(s->on2)});
    for (Tone t : ids_) {
        const int id = super_tone_rx_add_tone(desc_.get());
        const ToneSpec &s = plan.spec(t);
        if (s.continuous())
            super_tone_rx_add_element(desc_.get(), id, s.f1, s.f2 ? s.f2 : -1,
                                      std::max(800, longestOn + 100), 0);
        else
            addCadence(desc_.get(), id, s);
    }
    rx_.reset(super_tone_rx_init(nullptr, desc_.get(), &CallProgressDetector::onTone, this));
    if (!rx_) throw std::runtime_error("call progress: cannot initialise SpanDSP super_tone_rx");
    super_tone_rx_segment_callback(rx_.get(), &CallProgressDetector::onSegment);
}

void CallProgressDetector::resetAnswer() {
    answered_ = false;
    energeticSamples_ = 0;
}

void CallProgressDetector::process(const int16_t *amp, std::size_t n) {
    super_tone_rx(rx_.get(), amp, static_cast<int>(n));
    if (answered_ || inToneSegment_ || current_ != Tone::None) return;
    // Energy in 10 ms slices: speech-like if loud enough and no tone is in progress.
    for (std::size_t i = 0; i < n; i += 80) {
        const std::size_t m = std::min<std::size_t>(80, n - i);
        float p = 0;
        for (std::size_t k = 0; k < m; ++k) p += float(amp[i + k]) * float(amp[i + k]);
        if (p / float(m) > kSpeechPower) energeticSamples_ += static_cast<int>(m);
    }
    if (energeticSamples_ >= kAnswerMs * 8) {
        answered_ = true;
        events_.push_back({DspEventType::Answered});
    }
}

void CallProgressDetector::onTone(void *user, int code, int, int) {
    auto *self = static_cast<CallProgressDetector *>(user);
    if (code >= 0 && code < 4) {
        self->current_ = self->ids_[code];
        self->events_.push_back({DspEventType::ToneDetected, 0, self->current_});
    } else if (self->current_ != Tone::None) {
        self->events_.push_back({DspEventType::ToneEnded, 0, self->current_});
        self->current_ = Tone::None;
    }
}

void CallProgressDetector::onSegment(void *user, int f1, int, int) {
    auto *self = static_cast<CallProgressDetector *>(user);
    // A segment just ended; the next one differs from it. After a toneless segment comes a tone;
    // after a tone, most likely silence or speech.
    self->inToneSegment_ = f1 < 0;
    self->energeticSamples_ = 0;
}

}  // namespace vce::dsp
