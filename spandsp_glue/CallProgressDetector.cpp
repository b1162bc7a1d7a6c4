// Call-progress detection on trunks: dial tone, ringback, busy, congestion (SpanDSP super_tone_rx)
// and answer (speech-like energy that is not a tone, after dialling).
#include "spandsp_glue/CallProgressDetector.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace vce::dsp {
namespace {

// Accepted length of a cadence element: ±20 % and ±40 ms.
int minMs(int ms) { return std::max(20, ms * 8 / 10 - 40); }
int maxMs(int ms) { return ms * 12 / 10 + 40; }

void addCadence(super_tone_rx_descriptor_t *d, int id, const ToneSpec &s) {
    // SpanDSP 0.0.6 marks "no frequency" with 0 (not -1 as its header says).
    const int f2 = s.f2;
    super_tone_rx_add_element(d, id, s.f1, f2, minMs(s.on1), maxMs(s.on1));
    super_tone_rx_add_element(d, id, 0, 0, minMs(s.off1), maxMs(s.off1));
    if (s.on2) {
        super_tone_rx_add_element(d, id, s.f1, f2, minMs(s.on2), maxMs(s.on2));
        super_tone_rx_add_element(d, id, 0, 0, minMs(s.off2), maxMs(s.off2));
    } else if (s.on1 + s.off1 < 1500) {
        // A short single cadence (busy, congestion) must repeat once before it counts, so it
        // is not taken from the first half of a longer cadence (e.g. UK congestion vs busy).
        super_tone_rx_add_element(d, id, s.f1, f2, minMs(s.on1), maxMs(s.on1));
        super_tone_rx_add_element(d, id, 0, 0, minMs(s.off1), maxMs(s.off1));
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
            super_tone_rx_add_element(desc_.get(), id, s.f1, s.f2,
                                      std::max(800, longestOn + 100), 0);
        else
            addCadence(desc_.get(), id, s);
    }
    // super_tone_rx needs at least two monitored frequencies to rank them (with one, as for
    // the all-425 Hz German plan, it reads an unset bin): add a guard tone nothing matches.
    const int guard = super_tone_rx_add_tone(desc_.get());
    super_tone_rx_add_element(desc_.get(), guard, 1780, 0, 60000, 60000);
    for (const ToneSpec *t : {&plan.dial, &plan.ringback, &plan.busy, &plan.congestion})
        for (int f : {t->f1, t->f2})
            if (f > 0 && std::find(freqs_.begin(), freqs_.end(), f) == freqs_.end()) freqs_.push_back(f);
    for (int f : freqs_) coeffs_.push_back(2.0f * std::cos(2.0f * float(M_PI) * float(f) / 8000.0f));
    rx_.reset(super_tone_rx_init(nullptr, desc_.get(), &CallProgressDetector::onTone, this));
    if (!rx_) throw std::runtime_error("call progress: cannot initialise SpanDSP super_tone_rx");
}

void CallProgressDetector::resetAnswer() {
    answered_ = false;
    energeticSamples_ = 0;
}

void CallProgressDetector::process(const int16_t *amp, std::size_t n) {
    super_tone_rx(rx_.get(), amp, static_cast<int>(n));
    if (answered_) return;
    // Answer: loud audio whose energy is not at the plan's tone frequencies (Goertzel per
    // 10 ms slice), for kAnswerMs in total without a tone slice in between. SpanDSP's own
    // segment classification is not used: 0.0.6 calls loud noise a 425 Hz tone.
    for (std::size_t i = 0; i + 80 <= n; i += 80) {
        const int16_t *x = amp + i;
        float energy = 0;
        for (int k = 0; k < 80; ++k) energy += float(x[k]) * float(x[k]);
        if (energy / 80.0f <= kSpeechPower) continue;  // quiet: neither speech nor tone
        float tonal = 0;
        for (float c : coeffs_) {
            float s1 = 0, s2 = 0;
            for (int k = 0; k < 80; ++k) {
                const float s0 = float(x[k]) + c * s1 - s2;
                s2 = s1;
                s1 = s0;
            }
            tonal += s1 * s1 + s2 * s2 - c * s1 * s2;
        }
        if (2.0f * tonal / (80.0f * energy) > 0.4f)
            energeticSamples_ = 0;  // a tone, not a person
        else
            energeticSamples_ += 80;
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

}  // namespace vce::dsp
