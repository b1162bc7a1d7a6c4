// In-band DTMF: detection (SpanDSP dtmf_rx, digits reported as events) and generation (dtmf_tx).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "spandsp_glue/DspEvent.h"
#include "spandsp_glue/SpanDspHandles.h"

namespace vce::dsp {

class DtmfDetector {
public:
    explicit DtmfDetector(DspEventQueue &events);
    DtmfDetector(const DtmfDetector &) = delete;
    DtmfDetector &operator=(const DtmfDetector &) = delete;
    void process(const int16_t *amp, std::size_t n);

private:
    static void onDigits(void *user, const char *digits, int len);
    DspEventQueue &events_;
    DtmfRxPtr rx_;
};

class DtmfGenerator {
public:
    DtmfGenerator();
    // Queues digits (0-9 * # A-D); returns false if the queue is full or a digit is invalid.
    bool send(const std::string &digits);
    bool active() const { return active_; }
    // Writes n samples; returns false (writing nothing) when there is nothing to play.
    bool generate(int16_t *amp, std::size_t n);

private:
    DtmfTxPtr tx_;
    bool active_ = false;
};

}  // namespace vce::dsp
