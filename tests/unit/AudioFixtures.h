// Shared by the unit tests that push audio through the media code: a test tone, the
// signal-to-noise ratio of what came back against it, and a poll for a readable socket.
#pragma once

#include <poll.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace vce::testing {

// n samples at 8 kHz of a sine of `hz` with peak `amp`.
inline std::vector<int16_t> tone(std::size_t n, double hz = 1000, double amp = 8000) {
    constexpr double kPi = 3.14159265358979323846;
    std::vector<int16_t> t(n);
    for (std::size_t i = 0; i < n; ++i)
        t[i] = static_cast<int16_t>(std::lround(amp * std::sin(2 * kPi * hz * double(i) / 8000)));
    return t;
}

// SNR in dB of `got` against `ref` over their common length (200 when identical).
template <class Samples>
double snr_db(const std::vector<int16_t> &ref, const Samples &got) {
    double s = 0, e = 0;
    auto g = got.begin();
    for (std::size_t i = 0; i < ref.size() && g != got.end(); ++i, ++g) {
        s += double(ref[i]) * ref[i];
        const double d = double(*g) - ref[i];
        e += d * d;
    }
    return e == 0 ? 200 : 10 * std::log10(s / e);
}

inline bool readable(int fd, int ms) {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, ms) == 1;
}

}  // namespace vce::testing
