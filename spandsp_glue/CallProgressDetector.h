// Call-progress detection on trunks: dial tone, ringback, busy, congestion (SpanDSP super_tone_rx)
// and answer (speech-like energy that is not a tone, after dialling).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "spandsp_glue/DspEvent.h"
#include "spandsp_glue/SpanDspHandles.h"
#include "spandsp_glue/TonePlan.h"

namespace vce::dsp {

class CallProgressDetector {
public:
    // Events go to `events`, which must outlive the detector.
    CallProgressDetector(const TonePlan &plan, DspEventQueue &events);
    CallProgressDetector(const CallProgressDetector &) = delete;
    CallProgressDetector &operator=(const CallProgressDetector &) = delete;

    void process(const int16_t *amp, std::size_t n);
    // Re-arm answer detection (e.g. after the number has been dialled).
    void resetAnswer();
    Tone current() const { return current_; }
    bool answered() const { return answered_; }

    static constexpr int kAnswerMs = 400;          // energetic non-tone audio needed for "answered"
    static constexpr float kSpeechPower = 1.0e4f;  // mean square per sample (about -36 dBm0)
    static constexpr int kToneRunMs = 150;         // tonal slices this long in a row are a tone
    static constexpr float kTonalShare = 0.6f;     // a slice with this share at the tones is tonal
    static constexpr int kFloorMs = 1500;          // the noise floor: the quietest slice this long
    static constexpr float kFloorMargin = 8.0f;    // speech is 9 dB above the noise floor

private:
    static void onTone(void *user, int code, int level, int delay);

    DspEventQueue &events_;
    SuperToneDescPtr desc_;
    SuperToneRxPtr rx_;
    std::vector<Tone> ids_;  // SpanDSP tone id -> our tone (None: the guard tone)
    Tone current_ = Tone::None;
    std::vector<int> freqs_;     // the plan's tone frequencies
    std::vector<float> coeffs_;  // their Goertzel coefficients (20 ms slices)
    int energeticSamples_ = 0;   // speech-like samples since the last tone
    int tonalSamples_ = 0;       // length of the current run of tonal slices
    std::vector<float> recent_;  // the power of the last slices (kFloorMs of them)
    std::size_t recentAt_ = 0;
    bool answered_ = false;
};

}  // namespace vce::dsp
