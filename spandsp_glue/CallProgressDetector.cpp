// Call-progress detection on trunks: dial tone, ringback, busy, congestion (SpanDSP super_tone_rx)
// and answer (speech-like energy that is not a tone, after dialling).
#include "spandsp_glue/CallProgressDetector.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <utility>

namespace vce::dsp {
namespace {

// Accepted length of a cadence element: ±20 % and ±40 ms.
int minMs(int ms) {
    return std::max(20, ms * 8 / 10 - 40);
}
int maxMs(int ms) {
    return ms * 12 / 10 + 40;
}

// SpanDSP's super_tone_rx reports the two strongest detectors of a block as an index pair
// ordered by detector index (the order in which frequencies were first added), and compares it
// with each cadence element's (f1, f2) as given. So every frequency is registered up front in
// ascending order, and elements give their two frequencies in ascending order too; otherwise a
// tone such as UK ringback (400+450 Hz, with 440 Hz of dial tone registered first) never
// matches. Frequencies within kMergeHz of a lower one share its detector (SpanDSP would merge
// them itself, but its merge bookkeeping is wrong once two merges happen).
constexpr int kMergeHz = 10;
// Guard detectors across the speech band, away from the plan's tones (see the constructor).
constexpr int kGuardsHz[] = {700, 850, 1000, 1200, 1400, 1780, 2100, 2500};
constexpr int kGuardDistanceHz = 130;  // a guard this close to a plan tone is left out

class FrequencyMap {
public:
    explicit FrequencyMap(std::vector<int> freqs) {
        std::sort(freqs.begin(), freqs.end());
        for (int f : freqs)
            if (f > 0 && (detectors_.empty() || f - detectors_.back() > kMergeHz))
                detectors_.push_back(f);
    }
    // The detector frequency that hears f (0 stays 0: "no frequency").
    int detector(int f) const {
        if (f <= 0) return 0;
        for (int d : detectors_)
            if (std::abs(f - d) <= kMergeHz) return d;
        return f;
    }
    // The element's pair in SpanDSP's order: lower detector first, 0 for none.
    std::pair<int, int> pair(int f1, int f2) const {
        int a = detector(f1), b = detector(f2);
        if (a == 0 || (b != 0 && b < a)) std::swap(a, b);
        if (a == b) b = 0;
        return {a, b};
    }
    const std::vector<int> &detectors() const { return detectors_; }

private:
    std::vector<int> detectors_;
};

void addElement(super_tone_rx_descriptor_t *d, int id, const FrequencyMap &fm, const ToneSpec &s,
                int minMs, int maxMs) {
    const auto [f1, f2] = fm.pair(s.f1, s.f2);
    super_tone_rx_add_element(d, id, f1, f2, minMs, maxMs);
}

void addCadence(super_tone_rx_descriptor_t *d, int id, const FrequencyMap &fm, const ToneSpec &s) {
    // SpanDSP 0.0.6 marks "no frequency" with 0 (not -1 as its header says).
    addElement(d, id, fm, s, minMs(s.on1), maxMs(s.on1));
    super_tone_rx_add_element(d, id, 0, 0, minMs(s.off1), maxMs(s.off1));
    if (s.on2) {
        addElement(d, id, fm, s, minMs(s.on2), maxMs(s.on2));
        super_tone_rx_add_element(d, id, 0, 0, minMs(s.off2), maxMs(s.off2));
    } else if (s.on1 + s.off1 < 1500) {
        // A short single cadence (busy, congestion) must repeat once before it counts, so it
        // is not taken from the first half of a longer cadence (e.g. UK congestion vs busy).
        addElement(d, id, fm, s, minMs(s.on1), maxMs(s.on1));
        super_tone_rx_add_element(d, id, 0, 0, minMs(s.off1), maxMs(s.off1));
    }
}

}  // namespace

CallProgressDetector::CallProgressDetector(const TonePlan &plan, DspEventQueue &events)
    : events_(events) {
    desc_.reset(super_tone_rx_make_descriptor(nullptr));
    if (!desc_)
        throw std::runtime_error("call progress: cannot allocate a SpanDSP tone descriptor");
    const ToneSpec *specs[] = {&plan.dial, &plan.ringback, &plan.busy, &plan.congestion};
    std::vector<int> all;
    for (const ToneSpec *t : specs) all.insert(all.end(), {t->f1, t->f2});
    // Guard detectors: super_tone_rx calls a block a single-frequency tone when one detector
    // holds 6 dB more than the runner-up, so with few detectors (the German plan has only
    // 425 Hz) a vowel near 425 Hz passed for a tone (speech was taken for congestion). With
    // guards across the speech band the runner-up of a vowel is a guard within 6 dB; a real
    // tone leaks little into a guard at least kGuardDistanceHz away. They also keep at least
    // two detectors, which super_tone_rx needs to rank them (with one it reads an unset bin).
    const std::vector<int> planFreqs = all;
    for (int g : kGuardsHz)
        if (std::none_of(planFreqs.begin(), planFreqs.end(),
                         [g](int f) { return f > 0 && std::abs(f - g) < kGuardDistanceHz; }))
            all.push_back(g);
    const FrequencyMap fm(all);
    // The guard tone comes first: its elements register every detector in ascending order
    // (see FrequencyMap). Its steps last exactly 60 s each, so nothing real matches it.
    const int guard = super_tone_rx_add_tone(desc_.get());
    const std::vector<int> &dets = fm.detectors();
    for (std::size_t i = 0; i < dets.size(); i += 2)
        super_tone_rx_add_element(desc_.get(), guard, dets[i],
                                  i + 1 < dets.size() ? dets[i + 1] : 0, 60000, 60000);
    // Dial tone must outlast any "on" period of the other tones before it is called dial tone.
    int longestOn = 0;
    for (const ToneSpec *s : {&plan.ringback, &plan.busy, &plan.congestion})
        longestOn = std::max({longestOn, maxMs(s->on1), maxMs(s->on2)});
    for (Tone t : {Tone::Dial, Tone::Ringback, Tone::Busy, Tone::Congestion}) {
        const int id = super_tone_rx_add_tone(desc_.get());
        if (id >= static_cast<int>(ids_.size()))
            ids_.resize(static_cast<std::size_t>(id) + 1, Tone::None);
        ids_[static_cast<std::size_t>(id)] = t;
        const ToneSpec &s = plan.spec(t);
        if (s.continuous())
            addElement(desc_.get(), id, fm, s, std::max(800, longestOn + 100), 0);
        else
            addCadence(desc_.get(), id, fm, s);
    }
    for (const ToneSpec *t : specs)
        for (int f : {t->f1, t->f2})
            if (f > 0 && std::find(freqs_.begin(), freqs_.end(), f) == freqs_.end())
                freqs_.push_back(f);
    for (int f : freqs_)
        coeffs_.push_back(2.0f * std::cos(2.0f * float(M_PI) * float(f) / 8000.0f));
    rx_.reset(super_tone_rx_init(nullptr, desc_.get(), &CallProgressDetector::onTone, this));
    if (!rx_) throw std::runtime_error("call progress: cannot initialise SpanDSP super_tone_rx");
}

void CallProgressDetector::resetAnswer() {
    answered_ = false;
    energeticSamples_ = 0;
    tonalSamples_ = 0;
}

void CallProgressDetector::process(const int16_t *amp, std::size_t n) {
    super_tone_rx(rx_.get(), amp, static_cast<int>(n));
    if (answered_) return;
    // Answer: loud audio whose energy is not at the plan's tone frequencies (Goertzel per
    // 20 ms slice), for kAnswerMs in total without a tone in between. A tone is a run of tonal
    // slices lasting kToneRunMs (every cadence element of every plan is longer): a vowel can
    // put most of a slice's energy near a plan frequency, but not for that long, so speech is
    // still answered where the plan's tones crowd the first formant (us: 350-620 Hz). 20 ms
    // slices (a 50 Hz wide Goertzel; 10 ms ones were 100 Hz wide) take far fewer vowels for a
    // tone: with 10 ms, 31 of 200 US talkers went unanswered for 15 s. Loud is above
    // kSpeechPower and kFloorMargin above the line's noise floor (the quietest slice of the
    // last kFloorMs), so that the noise heard in a cadence's silences is not a person: at 20 dB
    // below the tones, that noise answered half of all ringback and busy tones. SpanDSP's own
    // segment classification is not used: 0.0.6 calls loud noise a 425 Hz tone.
    constexpr std::size_t kSlice = 160;
    for (std::size_t i = 0; i + kSlice <= n; i += kSlice) {
        const int16_t *x = amp + i;
        float energy = 0;
        for (std::size_t k = 0; k < kSlice; ++k) energy += float(x[k]) * float(x[k]);
        const float power = energy / float(kSlice);
        if (recent_.empty()) recent_.assign(kFloorMs * 8 / kSlice, 1e12f);
        recent_[recentAt_] = power;
        recentAt_ = (recentAt_ + 1) % recent_.size();
        const float floor = *std::min_element(recent_.begin(), recent_.end());
        if (power <= kSpeechPower || power <= kFloorMargin * floor) {  // quiet, or line noise
            tonalSamples_ = 0;
            continue;
        }
        float tonal = 0;
        for (float c : coeffs_) {
            float s1 = 0, s2 = 0;
            for (std::size_t k = 0; k < kSlice; ++k) {
                const float s0 = float(x[k]) + c * s1 - s2;
                s2 = s1;
                s1 = s0;
            }
            tonal += s1 * s1 + s2 * s2 - c * s1 * s2;
        }
        if (2.0f * tonal / (float(kSlice) * energy) > kTonalShare) {
            tonalSamples_ += static_cast<int>(kSlice);
            if (tonalSamples_ >= kToneRunMs * 8) energeticSamples_ = 0;  // a tone, not a person
        } else {
            tonalSamples_ = 0;
            energeticSamples_ += static_cast<int>(kSlice);
        }
    }
    if (energeticSamples_ >= kAnswerMs * 8) {
        answered_ = true;
        events_.push_back({DspEventType::Answered});
    }
}

void CallProgressDetector::onTone(void *user, int code, int, int) {
    auto *self = static_cast<CallProgressDetector *>(user);
    const Tone t = code >= 0 && code < static_cast<int>(self->ids_.size())
                       ? self->ids_[static_cast<std::size_t>(code)]
                       : Tone::None;
    if (t != Tone::None) {
        self->current_ = t;
        self->events_.push_back({DspEventType::ToneDetected, 0, self->current_});
    } else if (self->current_ != Tone::None) {
        self->events_.push_back({DspEventType::ToneEnded, 0, self->current_});
        self->current_ = Tone::None;
    }
}

}  // namespace vce::dsp
