// A hybrid echo path built from the G.168 Annex D impulse responses shipped with SpanDSP.
#include "spandsp_glue/G168EchoPath.h"

#include <spandsp.h>
#include <spandsp/g168models.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace vce::dsp {
namespace {

struct Model {
    const int32_t *coeffs;
    std::size_t len;
};

template <std::size_t N>
Model model(const int32_t (&c)[N]) {
    return {c, N};
}

Model pick(int m) {
    switch (m) {
        case 2:
            return model(line_model_d2_coeffs);
        case 3:
            return model(line_model_d3_coeffs);
        case 4:
            return model(line_model_d4_coeffs);
        case 5:
            return model(line_model_d5_coeffs);
        case 6:
            return model(line_model_d6_coeffs);
        case 7:
            return model(line_model_d7_coeffs);
        case 8:
            return model(line_model_d8_coeffs);
        case 9:
            return model(line_model_d9_coeffs);
    }
    throw std::invalid_argument("G.168 echo path: model " + std::to_string(m) +
                                " unknown, expected 2..9");
}

}  // namespace

G168EchoPath::G168EchoPath(int modelNo, float erlDb, int delaySamples) {
    const Model m = pick(modelNo);
    h_.assign(static_cast<std::size_t>(std::max(0, delaySamples)) + m.len, 0.0f);
    double energy = 0;
    for (std::size_t i = 0; i < m.len; ++i) energy += double(m.coeffs[i]) * double(m.coeffs[i]);
    const double scale = std::pow(10.0, -erlDb / 20.0) / std::sqrt(energy);
    for (std::size_t i = 0; i < m.len; ++i)
        h_[h_.size() - m.len + i] = static_cast<float>(m.coeffs[i] * scale);
    line_.assign(2 * h_.size(), 0.0f);
}

float G168EchoPath::echo(int16_t far) {
    // line_[pos_] and line_[pos_ + L] both hold the newest sample; read L samples backwards.
    const std::size_t L = h_.size();
    pos_ = pos_ == 0 ? L - 1 : pos_ - 1;
    line_[pos_] = line_[pos_ + L] = far;
    const float *x = &line_[pos_];
    float acc = 0;
    for (std::size_t k = 0; k < L; ++k) acc += h_[k] * x[k];
    return acc;
}

void G168EchoPath::addEcho(const int16_t *far, int16_t *near, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const float v = near[i] + echo(far[i]);
        near[i] =
            static_cast<int16_t>(v > 32767.f    ? 32767
                                 : v < -32768.f ? -32768
                                                : static_cast<int>(v >= 0 ? v + 0.5f : v - 0.5f));
    }
}

}  // namespace vce::dsp
