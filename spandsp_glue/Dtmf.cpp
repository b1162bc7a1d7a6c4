// In-band DTMF: detection (SpanDSP dtmf_rx, digits reported as events) and generation (dtmf_tx).
#include "spandsp_glue/Dtmf.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace vce::dsp {

DtmfDetector::DtmfDetector(DspEventQueue &events) : events_(events) {
    rx_.reset(dtmf_rx_init(nullptr, &DtmfDetector::onDigits, this));
    if (!rx_) throw std::runtime_error("dtmf: cannot initialise SpanDSP dtmf_rx");
}

void DtmfDetector::process(const int16_t *amp, std::size_t n) {
    dtmf_rx(rx_.get(), amp, static_cast<int>(n));
}

void DtmfDetector::onDigits(void *user, const char *digits, int len) {
    auto *self = static_cast<DtmfDetector *>(user);
    for (int i = 0; i < len; ++i) self->events_.push_back({DspEventType::DtmfDigit, digits[i]});
}

DtmfGenerator::DtmfGenerator() {
    tx_.reset(dtmf_tx_init(nullptr));
    if (!tx_) throw std::runtime_error("dtmf: cannot initialise SpanDSP dtmf_tx");
}

bool DtmfGenerator::send(const std::string &digits) {
    for (char c : digits)
        if (!std::strchr("0123456789*#ABCDabcd", c) || c == 0) return false;
    if (dtmf_tx_put(tx_.get(), digits.c_str(), static_cast<int>(digits.size())) != 0) return false;
    active_ = !digits.empty() || active_;
    return true;
}

bool DtmfGenerator::generate(int16_t *amp, std::size_t n) {
    if (!active_) return false;
    const int got = dtmf_tx(tx_.get(), amp, static_cast<int>(n));
    std::fill(amp + std::max(got, 0), amp + n, int16_t{0});
    if (got < static_cast<int>(n)) active_ = false;
    return true;
}

}  // namespace vce::dsp
