// Fax tone detection: CNG (calling, 1100 Hz) and CED (answering, 2100 Hz) via SpanDSP
// modem_connect_tones_rx; each detection is reported once as an event.
#include "spandsp_glue/FaxDetector.h"

#include <stdexcept>

namespace vce::dsp {

FaxDetector::FaxDetector(DspEventQueue &events) : events_(events) {
    cngRx_.reset(modem_connect_tones_rx_init(nullptr, MODEM_CONNECT_TONES_FAX_CNG,
                                             &FaxDetector::onCng, this));
    cedRx_.reset(modem_connect_tones_rx_init(nullptr, MODEM_CONNECT_TONES_FAX_CED_OR_PREAMBLE,
                                             &FaxDetector::onCed, this));
    if (!cngRx_ || !cedRx_)
        throw std::runtime_error("fax detect: cannot initialise SpanDSP modem_connect_tones_rx");
}

void FaxDetector::process(const int16_t *amp, std::size_t n) {
    if (!cng_) modem_connect_tones_rx(cngRx_.get(), amp, static_cast<int>(n));
    if (!ced_) modem_connect_tones_rx(cedRx_.get(), amp, static_cast<int>(n));
}

void FaxDetector::onCng(void *user, int code, int, int) {
    auto *self = static_cast<FaxDetector *>(user);
    if (code == MODEM_CONNECT_TONES_FAX_CNG && !self->cng_) {
        self->cng_ = true;
        self->events_.push_back({DspEventType::FaxCng});
    }
}

void FaxDetector::onCed(void *user, int code, int, int) {
    auto *self = static_cast<FaxDetector *>(user);
    if ((code == MODEM_CONNECT_TONES_FAX_CED || code == MODEM_CONNECT_TONES_FAX_PREAMBLE) &&
        !self->ced_) {
        self->ced_ = true;
        self->events_.push_back({DspEventType::FaxCed});
    }
}

}  // namespace vce::dsp
