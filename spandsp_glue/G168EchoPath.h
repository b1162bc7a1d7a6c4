// A hybrid echo path built from the G.168 Annex D impulse responses shipped with SpanDSP
// (g168models.h): bulk delay, then the model's FIR scaled to a chosen echo return loss.
// Used by the echo canceller tests, the benchmark and the PSTN simulator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vce::dsp {

class G168EchoPath {
public:
    // model: 2..9 (G.168 D.2 .. D.9); erlDb: echo return loss (e.g. 10 dB); delay in samples.
    // Throws std::invalid_argument for an unknown model.
    G168EchoPath(int model, float erlDb, int delaySamples = 0);
    // Echo of one far-end sample (the signal sent towards the hybrid).
    float echo(int16_t far);
    // Adds the echo of far[] to near[] (saturating): near[i] += echo(far[i]).
    void addEcho(const int16_t *far, int16_t *near, std::size_t n);
    std::size_t length() const { return h_.size(); }

private:
    std::vector<float> h_;     // impulse response including the bulk delay
    std::vector<float> line_;  // delay line, twice the length for contiguous reads
    std::size_t pos_ = 0;
};

}  // namespace vce::dsp
