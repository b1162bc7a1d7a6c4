// Line echo canceller: NLMS adaptive filter with Geigel double-talk detection, NLP and comfort
// noise.
#include "spandsp_glue/EchoCanceller.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace vce::dsp {
namespace {

constexpr int kChunk = 160;  // far-end history is slid once per chunk
constexpr int kGroup = 8;    // Geigel far-end maxima are kept per group of 8 samples
constexpr float kFarActivePower = 40.0f * 40.0f;  // mean square of the far end: about -52 dBm0
constexpr float kPowerAlpha = 1.0f / 64;          // short-term power trackers (~8 ms)
constexpr float kSlowAlpha = 1.0f / 800;          // ERLE estimate (~100 ms of adaptation)
constexpr float kNlpResidualRatio = 0.063f;       // residual 12 dB below the far end => echo

#pragma GCC diagnostic ignored "-Wpsabi"  // 32-byte vectors only live inside inlined kernels
using v8sf = float __attribute__((vector_size(32)));

__attribute__((always_inline)) inline v8sf load8(const float *p) {
    v8sf v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
__attribute__((always_inline)) inline void store8(float *p, const v8sf &v) {
    std::memcpy(p, &v, sizeof v);
}

inline int16_t saturate(float v) {
    if (v > 32767.0f) return 32767;
    if (v < -32768.0f) return -32768;
    return static_cast<int16_t>(std::lrintf(v));
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VCE_EC_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define VCE_EC_CLONES
#endif

// y = w . x over n taps (n a multiple of 16): two vector accumulators.
__attribute__((always_inline)) inline float dot(const float *w, const float *x, int n) {
    v8sf a0 = {}, a1 = {};
    for (int k = 0; k < n; k += 16) {
        a0 += load8(w + k) * load8(x + k);
        a1 += load8(w + k + 8) * load8(x + k + 8);
    }
    a0 += a1;
    return ((a0[0] + a0[4]) + (a0[1] + a0[5])) + ((a0[2] + a0[6]) + (a0[3] + a0[7]));
}

// w += g * x over n taps.
__attribute__((always_inline)) inline void axpy(float *w, const float *x, float g, int n) {
    const v8sf gv = {g, g, g, g, g, g, g, g};
    for (int k = 0; k < n; k += 8) store8(w + k, load8(w + k) + gv * load8(x + k));
}

struct Kernel {
    // Filter and adapt over a chunk; returns nothing, fills e[] with the linear error.
    VCE_EC_CLONES static void run(float *w, const float *hist, const float *near, float *e,
                                  const uint8_t *adapt, const float *gainDen, float mu, int taps,
                                  int n) {
        for (int i = 0; i < n; ++i) {
            const float *x = hist + i + 1;
            const float err = near[i] - dot(w, x, taps);
            e[i] = err;
            if (adapt[i]) axpy(w, x, mu * err / gainDen[i], taps);
        }
    }
};

}  // namespace

EchoCancellerConfig EchoCancellerConfig::forTailMs(int ms) {
    EchoCancellerConfig c;
    c.taps = ms * 8;
    return c;
}

EchoCanceller::EchoCanceller(const EchoCancellerConfig &config) : cfg_(config) {
    taps_ = std::clamp(cfg_.taps, 16, 2048);
    taps_ = (taps_ + 15) / 16 * 16;
    cfg_.taps = taps_;
    cfg_.stepSize = std::clamp(cfg_.stepSize, 0.01f, 1.5f);
    cfg_.geigelThreshold = std::clamp(cfg_.geigelThreshold, 0.1f, 1.0f);
    cfg_.hangoverSamples = std::max(0, cfg_.hangoverSamples);
    reset();
}

void EchoCanceller::reset() {
    w_.assign(taps_, 0.0f);
    hist_.assign(taps_ + kChunk, 0.0f);
    ring_.assign(taps_ / kGroup, 0.0f);
    power_ = groupMax_ = ringMax_ = 0;
    groupCount_ = ringPos_ = hangover_ = 0;
    pNear_ = pErr_ = pFar_ = 0;
    pNearSlow_ = pErrSlow_ = 0;
    pNoise_ = 1.0f;
    stats_ = {};
}

void EchoCanceller::process(const int16_t *far, const int16_t *near, int16_t *out, std::size_t n,
                            int16_t *linearOut) {
    while (n > 0) {
        const int c = static_cast<int>(std::min<std::size_t>(n, kChunk));
        processChunk(far, near, out, c, linearOut);
        far += c;
        near += c;
        out += c;
        if (linearOut) linearOut += c;
        n -= c;
    }
}

void EchoCanceller::processChunk(const int16_t *far, const int16_t *near, int16_t *out, int n,
                                 int16_t *lin) {
    float y[kChunk] = {}, e[kChunk] = {}, den[kChunk] = {};
    uint8_t adapt[kChunk] = {};
    uint8_t dt[kChunk] = {};
    float *h = hist_.data();
    const float eps = static_cast<float>(taps_) * 4.0f;

    // Recompute the window power exactly once per chunk (no drift), then track per sample.
    float pw = 0;
    for (int k = 0; k < taps_; ++k) pw += h[k] * h[k];
    power_ = pw;

    // Pass 1 (scalar, cheap): history, far power, Geigel double-talk decision per sample.
    const int groups = static_cast<int>(ring_.size());
    for (int i = 0; i < n; ++i) {
        const float x = far[i];
        h[taps_ + i] = x;
        const float old = h[i];
        power_ += x * x - old * old;
        if (power_ < 0) power_ = 0;
        const float ax = std::fabs(x);
        if (ax > groupMax_) groupMax_ = ax;
        if (++groupCount_ == kGroup) {
            ring_[ringPos_] = groupMax_;
            ringPos_ = ringPos_ + 1 == groups ? 0 : ringPos_ + 1;
            groupMax_ = 0;
            groupCount_ = 0;
            ringMax_ = *std::max_element(ring_.begin(), ring_.end());
        }
        const float farMax = std::max(ringMax_, groupMax_);
        y[i] = near[i];
        if (std::fabs(y[i]) > cfg_.geigelThreshold * farMax && std::fabs(y[i]) > 64.0f)
            hangover_ = cfg_.hangoverSamples;
        else if (hangover_ > 0)
            --hangover_;
        dt[i] = hangover_ > 0;
        const bool farActive = power_ > kFarActivePower * static_cast<float>(taps_);
        adapt[i] = farActive && !dt[i];
        den[i] = power_ + eps;
    }

    // Pass 2 (vector): the NLMS filter and its adaptation. Variable step: full step while the
    // filter is far from converged, smaller steps once it cancels well (lower misadjustment,
    // and less damage from the few samples of double talk before Geigel notices).
    const float erle = pNearSlow_ / (pErrSlow_ + 1.0f);
    const float mu = erle < 10.0f    ? cfg_.stepSize
                     : erle < 100.0f ? 0.5f * cfg_.stepSize
                                     : 0.2f * cfg_.stepSize;
    Kernel::run(w_.data(), h, y, e, adapt, den, mu, taps_, n);

    // Pass 3 (scalar): NLP and comfort noise.
    for (int i = 0; i < n; ++i) {
        const float x = h[taps_ + i];
        pNear_ += kPowerAlpha * (y[i] * y[i] - pNear_);
        pErr_ += kPowerAlpha * (e[i] * e[i] - pErr_);
        pFar_ += kPowerAlpha * (x * x - pFar_);
        if (adapt[i]) {
            pNearSlow_ += kSlowAlpha * (y[i] * y[i] - pNearSlow_);
            pErrSlow_ += kSlowAlpha * (e[i] * e[i] - pErrSlow_);
        }
        // Background noise: follow the residual down quickly, up slowly (~1.7 dB/s).
        if (pErr_ < pNoise_)
            pNoise_ += 0.05f * (pErr_ - pNoise_);
        else
            pNoise_ *= 1.00005f;
        if (pNoise_ < 1.0f) pNoise_ = 1.0f;

        float o = e[i];
        const bool farActive = pFar_ > kFarActivePower;
        if (cfg_.nlp && farActive && !dt[i] && pErr_ < kNlpResidualRatio * pFar_) {
            ++stats_.nlpSamples;
            if (cfg_.comfortNoise) {
                seed_ = seed_ * 1664525u + 1013904223u;
                const float u =
                    static_cast<float>(static_cast<int32_t>(seed_)) * (1.0f / 2147483648.0f);
                o = u * std::sqrt(3.0f * pNoise_);
            } else {
                o = 0;
            }
        }
        out[i] = saturate(o);
        if (lin) lin[i] = saturate(e[i]);
        if (adapt[i]) ++stats_.adaptedSamples;
        if (dt[i]) ++stats_.doubleTalkSamples;
    }
    stats_.samples += static_cast<uint64_t>(n);

    // Slide the history: keep the newest taps_ samples at the front.
    std::memmove(h, h + n, sizeof(float) * static_cast<std::size_t>(taps_));
}

}  // namespace vce::dsp
