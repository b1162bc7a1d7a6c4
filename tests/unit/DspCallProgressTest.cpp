// Call-progress detection per country with real SpanDSP: every tone plan's tones, played by our
// own DSP chain (ToneGenerator) across a G.711 line, are detected as the right tone by the far
// chain's detector; a steady 1 kHz tone and speech-like audio are not taken for ringback.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <string>

#include "spandsp_glue/CallProgressDetector.h"
#include "spandsp_glue/DspChain.h"
#include "spandsp_glue/G711.h"
#include "spandsp_glue/TonePlan.h"

using namespace vce::dsp;

namespace {

std::string describeAll(const DspEventQueue &q) {
    std::string s;
    for (const auto &e : q) s += describe(e) + "; ";
    return s.empty() ? "(no events)" : s;
}

int countTone(const DspEventQueue &q, DspEventType type, Tone t) {
    return static_cast<int>(std::count_if(
        q.begin(), q.end(), [&](const DspEvent &e) { return e.type == type && e.tone == t; }));
}

bool anyToneOtherThan(const DspEventQueue &q, Tone t) {
    return std::any_of(q.begin(), q.end(), [&](const DspEvent &e) {
        return e.type == DspEventType::ToneDetected && e.tone != t;
    });
}

bool answered(const DspEventQueue &q) {
    return std::any_of(q.begin(), q.end(),
                       [](const DspEvent &e) { return e.type == DspEventType::Answered; });
}

// A trunk's chain (call-progress detection on) hearing what a far-end chain plays onto the line.
struct Trunk {
    DspChain far, box;
    DspEventQueue events;
    int detectedAtMs = -1;  // when the first ToneDetected arrived
    int ms = 0;

    static DspChainConfig farConfig(const std::string &cc, Law law) {
        DspChainConfig c;
        c.country = cc;
        c.law = law;
        c.detectDtmf = false;
        c.detectFax = false;
        return c;
    }
    static DspChainConfig boxConfig(const std::string &cc, Law law) {
        DspChainConfig c = farConfig(cc, law);
        c.detectCallProgress = true;
        c.detectDtmf = true;
        return c;
    }
    Trunk(const std::string &cc, Law law) : far(farConfig(cc, law)), box(boxConfig(cc, law)) {}

    // Runs `frames` 20 ms blocks; `source`, when set, gives the far end's audio for each block
    // (otherwise the far chain's own tone generator plays).
    void run(int frames, const std::function<void(int16_t *)> &source = {}) {
        const Law law = box.config().law;
        uint8_t toBox[160], toFar[160], silence[160];
        std::fill(silence, silence + 160, g711Silence(law));
        std::fill(toFar, toFar + 160, g711Silence(law));
        for (int f = 0; f < frames; ++f) {
            int16_t audio[160];
            if (source) source(audio);
            far.process(toFar, nullptr, source ? audio : nullptr, toBox, 160);
            box.process(toBox, nullptr, nullptr, toFar, 160);
            ms += 20;
            const std::size_t before = events.size();
            box.takeEvents(events);
            for (std::size_t i = before; i < events.size(); ++i)
                if (detectedAtMs < 0 && events[i].type == DspEventType::ToneDetected)
                    detectedAtMs = ms;
        }
    }
};

int cycleMs(const ToneSpec &s) {
    return s.continuous() ? 1000 : s.on1 + s.off1 + s.on2 + s.off2;
}

// Speech-like audio: a pulse train at a wandering pitch (90-230 Hz) through two formant
// resonators that move per syllable, with syllables and pauses of irregular length (or, with
// a fixed cadence, syllables timed like a ringback cadence). Deterministic.
class Talker {
public:
    explicit Talker(uint32_t seed, std::vector<int> cadenceMs = {})
        : rng_(seed), cadence_(std::move(cadenceMs)) {
        nextSegment();
    }
    void operator()(int16_t *out) {
        for (int k = 0; k < 160; ++k) {
            if (--left_ <= 0) nextSegment();
            double x = 0;
            if (voiced_) {
                phase_ += pitch_ / 8000.0;
                if (phase_ >= 1.0) {
                    phase_ -= 1.0;
                    x = 1.0;
                    pitch_ = std::clamp(pitch_ + (uniform() - 0.5) * 12.0, 90.0, 230.0);
                }
                x += 0.05 * (uniform() - 0.5);  // breath
            }
            const double y1 = x + a1_ * y1a_ - b1_ * y1b_;
            y1b_ = y1a_;
            y1a_ = y1;
            const double y2 = y1 + a2_ * y2a_ - b2_ * y2b_;
            y2b_ = y2a_;
            y2a_ = y2;
            env_ += ((voiced_ ? 1.0 : 0.0) - env_) * 0.004;  // ~30 ms attack/decay
            out[k] = static_cast<int16_t>(std::clamp(gain_ * env_ * y2, -32000.0, 32000.0));
        }
    }

private:
    double uniform() {
        rng_ = rng_ * 1664525u + 1013904223u;
        return (rng_ >> 8) / double(1u << 24);
    }
    static void resonator(double f, double bw, double &a, double &b) {
        const double r = std::exp(-M_PI * bw / 8000.0);
        a = 2 * r * std::cos(2 * M_PI * f / 8000.0);
        b = r * r;
    }
    void nextSegment() {
        if (cadence_.empty()) {
            voiced_ = !voiced_;
            left_ = static_cast<int>((voiced_ ? 120 + 260 * uniform() : 40 + 220 * uniform()) * 8);
        } else {
            voiced_ = step_ % 2 == 0;
            left_ = cadence_[step_ % cadence_.size()] * 8;
            ++step_;
        }
        if (voiced_) {
            resonator(350 + 500 * uniform(), 90, a1_, b1_);    // F1
            resonator(900 + 1300 * uniform(), 120, a2_, b2_);  // F2
        }
    }

    uint32_t rng_;
    std::vector<int> cadence_;
    std::size_t step_ = 0;
    bool voiced_ = false;
    int left_ = 0;
    double pitch_ = 140, phase_ = 0, env_ = 0;
    double a1_ = 0, b1_ = 0, a2_ = 0, b2_ = 0, y1a_ = 0, y1b_ = 0, y2a_ = 0, y2b_ = 0;
    double gain_ = 90.0;
};

// White noise of a given RMS, deterministic per seed.
class Noise {
public:
    Noise(uint32_t seed, double rms) : rng_(seed), rms_(rms) {}
    int operator()() { return static_cast<int>(std::lround(normal_(rng_) * rms_)); }

private:
    std::mt19937 rng_;
    std::normal_distribution<double> normal_{0.0, 1.0};
    double rms_;
};

// The RMS of a talker's voiced audio (samples above a whisper), to set the noise against.
double talkerRms(uint32_t seed) {
    Talker t(seed);
    double e = 0;
    long n = 0;
    int16_t b[160];
    for (int f = 0; f < 500; ++f) {
        t(b);
        for (int16_t x : b)
            if (std::abs(x) > 50) e += double(x) * x, ++n;
    }
    return std::sqrt(e / double(std::max(n, 1L)));
}

// One 20 ms block onto an A-law line: `audio` plus noise, encoded and decoded.
void throughLine(int16_t *audio, Noise &noise) {
    for (int k = 0; k < 160; ++k) {
        const int v = std::clamp(audio[k] + noise(), -32768, 32767);
        audio[k] = g711Decode(Law::Alaw, g711Encode(Law::Alaw, static_cast<int16_t>(v)));
    }
}

}  // namespace

class DspCallProgressTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DspCallProgressTest);
    CPPUNIT_TEST(everyCountryHasAPlan);
    CPPUNIT_TEST(ukRingbackDetected);
    CPPUNIT_TEST(everyCountrysTonesDetectedThroughTheChain);
    CPPUNIT_TEST(steady1kHzIsNotRingback);
    CPPUNIT_TEST(speechIsNotRingback);
    CPPUNIT_TEST(speechInRingbackCadenceIsNotRingback);
    CPPUNIT_TEST(twoHundredTalkersAnsweredInNoise);
    CPPUNIT_TEST(tonesInNoiseAreNeverAnswered);
    CPPUNIT_TEST_SUITE_END();

public:
    void everyCountryHasAPlan() {
        const auto countries = tonePlanCountries();
        CPPUNIT_ASSERT(countries.size() >= 4);
        for (const auto &cc : countries) CPPUNIT_ASSERT_MESSAGE(cc, findTonePlan(cc) != nullptr);
    }

    // UK ringback: 400+450 Hz, 0.4 s on, 0.2 s off, 0.4 s on, 2.0 s off.
    void ukRingbackDetected() {
        const TonePlan *gb = findTonePlan("gb");
        CPPUNIT_ASSERT(gb);
        CPPUNIT_ASSERT_EQUAL(400, gb->ringback.f1);
        CPPUNIT_ASSERT_EQUAL(450, gb->ringback.f2);
        Trunk t("gb", Law::Alaw);
        t.far.playTone(Tone::Ringback);
        t.run(450);  // 9 s: three cadences
        const std::string msg = describeAll(t.events);
        CPPUNIT_ASSERT_MESSAGE(msg, !t.events.empty());
        CPPUNIT_ASSERT_MESSAGE(msg, t.events.front().type == DspEventType::ToneDetected &&
                                        t.events.front().tone == Tone::Ringback);
        // Recognised by the end of the first cadence (3 s), and held through the later ones.
        CPPUNIT_ASSERT_MESSAGE(msg + " at " + std::to_string(t.detectedAtMs) + " ms",
                               t.detectedAtMs <= 3200);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(
            msg, 1, countTone(t.events, DspEventType::ToneDetected, Tone::Ringback));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(msg, 0,
                                     countTone(t.events, DspEventType::ToneEnded, Tone::Ringback));
        CPPUNIT_ASSERT_MESSAGE(msg, t.box.takeEvents(t.events) == 0);
    }

    // Each plan's dial tone, ringback, busy and congestion, from our generator across A-law and
    // μ-law lines (echo canceller on), are detected as themselves and nothing else, soon.
    void everyCountrysTonesDetectedThroughTheChain() {
        for (const std::string &cc : tonePlanCountries()) {
            const TonePlan &plan = *findTonePlan(cc);
            for (Law law : {Law::Alaw, Law::Ulaw}) {
                for (Tone tone : {Tone::Ringback, Tone::Busy, Tone::Dial, Tone::Congestion}) {
                    Trunk t(cc, law);
                    t.far.playTone(tone);
                    const int cycle = cycleMs(plan.spec(tone));
                    // Dial tone counts once it outlasts every other tone's "on" (us: 2.4 s).
                    const int within = plan.spec(tone).continuous() ? 3000 : 2 * cycle + 500;
                    t.run(std::max(3 * cycle, 4000) / 20);
                    const std::string msg = cc + " " + lawName(law) + " " + toneName(tone) + ": " +
                                            describeAll(t.events) + " first at " +
                                            std::to_string(t.detectedAtMs) + " ms";
                    CPPUNIT_ASSERT_MESSAGE(msg, !t.events.empty());
                    CPPUNIT_ASSERT_MESSAGE(msg,
                                           t.events.front().type == DspEventType::ToneDetected &&
                                               t.events.front().tone == tone);
                    CPPUNIT_ASSERT_MESSAGE(msg, !anyToneOtherThan(t.events, tone));
                    CPPUNIT_ASSERT_EQUAL_MESSAGE(
                        msg, 0, countTone(t.events, DspEventType::ToneEnded, tone));
                    CPPUNIT_ASSERT_MESSAGE(msg, t.detectedAtMs <= within);
                    CPPUNIT_ASSERT_MESSAGE(msg, !answered(t.events));
                }
            }
        }
    }

    void steady1kHzIsNotRingback() {
        for (const std::string &cc : tonePlanCountries()) {
            Trunk t(cc, Law::Alaw);
            double phase = 0;
            t.run(500, [&](int16_t *out) {  // 10 s at about -10 dBm0
                for (int k = 0; k < 160; ++k) {
                    out[k] = static_cast<int16_t>(7000 * std::sin(phase));
                    phase += 2 * M_PI * 1000.0 / 8000.0;
                }
            });
            const std::string msg = cc + ": " + describeAll(t.events);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(
                msg, 0, countTone(t.events, DspEventType::ToneDetected, Tone::Ringback));
            CPPUNIT_ASSERT_MESSAGE(msg, !anyToneOtherThan(t.events, Tone::None));
        }
    }

    // Through both chains (echo canceller on); the large survey below feeds the detector alone.
    // Of 40 seeds speaking in each ringback cadence, one passed for ringback in de (a 1 s
    // sustained vowel near 425 Hz). The seeds here are fixed, not chosen from those that fail.
    void speechIsNotRingback() {
        for (const std::string &cc : tonePlanCountries()) {
            for (uint32_t seed : {1u, 2u, 3u}) {
                Trunk t(cc, Law::Alaw);
                Talker talk(seed);
                t.run(750, std::ref(talk));  // 15 s
                const std::string msg =
                    cc + " seed " + std::to_string(seed) + ": " + describeAll(t.events);
                CPPUNIT_ASSERT_EQUAL_MESSAGE(
                    msg, 0, countTone(t.events, DspEventType::ToneDetected, Tone::Ringback));
                CPPUNIT_ASSERT_MESSAGE(msg, !anyToneOtherThan(t.events, Tone::None));
                CPPUNIT_ASSERT_MESSAGE(msg, answered(t.events));  // it is a person
            }
        }
    }

    // Answer supervision (billing, the no-answer fallback and the zero-balance cut-off hang on
    // it): 200 talkers per plan with white noise 20 dB below their voice, on an A-law line, are
    // all answered within 15 s, and none is taken for a tone. Measured with this detector: at
    // 20 dB 0 of 1000 per plan missed (mean answer 2.3-3.0 s; 1 of 1000 in de was taken for a
    // tone by SpanDSP), at 15 dB 0 of 400; with the earlier 10 ms slices 31 of 200 US and 4 of
    // 200 UK talkers went unanswered.
    void twoHundredTalkersAnsweredInNoise() {
        for (const std::string &cc : tonePlanCountries()) {
            int missed = 0, tones = 0;
            std::string which;
            for (uint32_t seed = 1; seed <= 200; ++seed) {
                DspEventQueue events;
                CallProgressDetector d(*findTonePlan(cc), events);
                Talker talk(seed);
                Noise noise(seed * 7 + 1, talkerRms(seed) / 10.0);  // 20 dB
                bool answered = false;
                int16_t block[160];
                for (int f = 0; f < 750 && !answered; ++f) {  // 15 s
                    talk(block);
                    throughLine(block, noise);
                    d.process(block, 160);
                    for (const DspEvent &e : events) {
                        answered = answered || e.type == DspEventType::Answered;
                        tones += e.type == DspEventType::ToneDetected;
                    }
                    events.clear();
                }
                if (!answered) ++missed, which += " " + std::to_string(seed);
            }
            CPPUNIT_ASSERT_EQUAL_MESSAGE(cc + ": talkers not answered:" + which, 0, missed);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(cc + ": talkers taken for a tone", 0, tones);
        }
    }

    // Every plan's tones at their own level with noise 20 dB below them (heard in the
    // cadence's silences too): never answered within 15 s, for 10 noise seeds each. Without
    // the noise floor, half of them were "answered" by the noise between the bursts.
    void tonesInNoiseAreNeverAnswered() {
        for (const std::string &cc : tonePlanCountries()) {
            const TonePlan &plan = *findTonePlan(cc);
            for (Tone tone : {Tone::Dial, Tone::Ringback, Tone::Busy, Tone::Congestion}) {
                const ToneSpec &sp = plan.spec(tone);
                const double amp = 22670.0 * std::pow(10.0, sp.level / 20.0);  // dBm0, A-law
                const double rms = amp / std::sqrt(2.0) * (sp.f2 ? std::sqrt(2.0) : 1.0);
                const int cycle = sp.continuous() ? 1 << 30 : cycleMs(sp);
                for (uint32_t seed = 1; seed <= 10; ++seed) {
                    DspEventQueue events;
                    CallProgressDetector d(plan, events);
                    Noise noise(seed * 13 + 5, rms / 10.0);
                    double p1 = 0, p2 = 0;
                    bool answered = false;
                    int16_t block[160];
                    for (int n = 0; n < 8000 * 15 && !answered; n += 160) {
                        for (int k = 0; k < 160; ++k) {
                            const int t = ((n + k) / 8) % cycle;
                            const bool on =
                                sp.continuous() || t < sp.on1 ||
                                (sp.on2 && t >= sp.on1 + sp.off1 && t < sp.on1 + sp.off1 + sp.on2);
                            p1 += 2 * M_PI * sp.f1 / 8000.0;
                            p2 += 2 * M_PI * sp.f2 / 8000.0;
                            double x = 0;
                            if (on) x = amp * std::sin(p1) + (sp.f2 ? amp * std::sin(p2) : 0.0);
                            block[k] = static_cast<int16_t>(x);
                        }
                        throughLine(block, noise);
                        d.process(block, 160);
                        for (const DspEvent &e : events)
                            answered = answered || e.type == DspEventType::Answered;
                        events.clear();
                    }
                    CPPUNIT_ASSERT_MESSAGE(
                        cc + " " + toneName(tone) + " seed " + std::to_string(seed) + ": answered",
                        !answered);
                }
            }
        }
    }

    // Syllables timed exactly like each country's ringback cadence: the cadence matches, the
    // spectrum does not.
    void speechInRingbackCadenceIsNotRingback() {
        for (const std::string &cc : tonePlanCountries()) {
            const ToneSpec &rb = findTonePlan(cc)->ringback;
            std::vector<int> cadence{rb.on1, rb.off1};
            if (rb.on2) cadence.insert(cadence.end(), {rb.on2, rb.off2});
            Trunk t(cc, Law::Alaw);
            Talker talk(7, cadence);
            t.run(std::max(3 * cycleMs(rb), 6000) / 20, std::ref(talk));
            const std::string msg = cc + ": " + describeAll(t.events);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(
                msg, 0, countTone(t.events, DspEventType::ToneDetected, Tone::Ringback));
            CPPUNIT_ASSERT_MESSAGE(msg, !anyToneOtherThan(t.events, Tone::None));
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DspCallProgressTest);
