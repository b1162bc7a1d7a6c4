// Line echo canceller: NLMS adaptive filter with Geigel double-talk detection, NLP and comfort
// noise.
//
// Why our own: Debian's SpanDSP 0.0.6 echo_can_update() prints two debug lines per sample on
// stdout, and modem_echo_can_update() has no double-talk detection, NLP or comfort noise.
// The inner loops (filter and update) are written on GCC vector types and built for AVX2 and
// baseline x86-64 (chosen at load time), so one core runs thousands of channels.
// Errors: none at run time; the constructor clamps out-of-range configuration values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vce::dsp {

struct EchoCancellerConfig {
    int taps = 128;                // tail in samples (8 per ms); rounded up to a multiple of 16
    float stepSize = 0.5f;         // NLMS step μ (0 < μ < 2)
    float geigelThreshold = 0.5f;  // near > threshold * max|far| over the tail => double talk
    int hangoverSamples = 240;     // keep adaptation frozen 30 ms after double talk ends
    bool nlp = true;               // non-linear processor: suppress residual echo
    bool comfortNoise = true;      // fill suppressed samples with noise at the background level
    static EchoCancellerConfig forTailMs(int ms);
};

struct EchoCancellerStats {
    uint64_t samples = 0;
    uint64_t adaptedSamples = 0;     // samples where the filter adapted
    uint64_t doubleTalkSamples = 0;  // samples inside a double-talk (or hangover) period
    uint64_t nlpSamples = 0;         // samples replaced by the NLP
};

class EchoCanceller {
public:
    explicit EchoCanceller(const EchoCancellerConfig &config = {});

    // far: what was sent towards the line (the echo reference); near: what came back from the
    // line; out: near with the echo removed (after NLP). linearOut (optional): the output of
    // the linear filter alone, before NLP, for measurements. Any n; out may alias near.
    void process(const int16_t *far, const int16_t *near, int16_t *out, std::size_t n,
                 int16_t *linearOut = nullptr);
    void reset();

    int taps() const { return taps_; }
    bool inDoubleTalk() const { return hangover_ > 0; }
    const EchoCancellerStats &stats() const { return stats_; }
    const EchoCancellerConfig &config() const { return cfg_; }

    // Internal state, laid out for the chunk kernel in EchoCanceller.cpp.
    struct State;

private:
    EchoCancellerConfig cfg_;
    int taps_;
    std::vector<float> w_;     // filter coefficients; w_[taps-1] applies to the newest sample
    std::vector<float> hist_;  // far-end history: taps_ old samples then the current chunk
    std::vector<float> ring_;  // Geigel: max |far| per group of 8 samples over the tail
    float power_ = 0;          // sum of squares of the far-end window
    float groupMax_ = 0, ringMax_ = 0;
    int groupCount_ = 0, ringPos_ = 0;
    int hangover_ = 0;
    float pNear_ = 0, pErr_ = 0, pFar_ = 0, pNoise_ = 1.0f;
    float pNearSlow_ = 0, pErrSlow_ = 0;  // ERLE estimate, updated while adapting
    uint32_t seed_ = 0x1234567u;
    EchoCancellerStats stats_;

    void processChunk(const int16_t *far, const int16_t *near, int16_t *out, int n, int16_t *lin);
};

}  // namespace vce::dsp
