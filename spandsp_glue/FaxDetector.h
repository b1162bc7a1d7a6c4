// Fax tone detection: CNG (calling, 1100 Hz) and CED (answering, 2100 Hz) via SpanDSP
// modem_connect_tones_rx; each detection is reported once as an event.
#pragma once

#include <cstddef>
#include <cstdint>

#include "spandsp_glue/DspEvent.h"
#include "spandsp_glue/SpanDspHandles.h"

namespace vce::dsp {

class FaxDetector {
public:
    explicit FaxDetector(DspEventQueue &events);
    FaxDetector(const FaxDetector &) = delete;
    FaxDetector &operator=(const FaxDetector &) = delete;
    void process(const int16_t *amp, std::size_t n);
    bool cngSeen() const { return cng_; }
    bool cedSeen() const { return ced_; }

private:
    static void onCng(void *user, int code, int level, int delay);
    static void onCed(void *user, int code, int level, int delay);
    DspEventQueue &events_;
    ModemTonesRxPtr cngRx_, cedRx_;
    bool cng_ = false, ced_ = false;
};

}  // namespace vce::dsp
