// Caller ID on FXS lines: MDMF message generation (SpanDSP ADSI tx) and decoding (ADSI rx).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "spandsp_glue/SpanDspHandles.h"
#include "spandsp_glue/TonePlan.h"

namespace vce::dsp {

struct CallerIdInfo {
    std::string number;    // digits; empty = withheld
    std::string name;      // display name; empty = none
    std::string dateTime;  // "MMDDHHMM" (8 digits); empty = none
};

class CallerIdGenerator {
public:
    explicit CallerIdGenerator(CallerIdStandard standard);
    // Queues one message; returns false (with nothing queued) if one is still being sent or
    // the fields do not fit (number <= 20 digits, name <= 50 characters).
    bool start(const CallerIdInfo &info);
    bool active() const { return active_; }
    // Writes n samples of FSK (silence after the end); returns false once the message is done.
    bool generate(int16_t *amp, std::size_t n);

private:
    int standard_;
    AdsiTxPtr tx_;
    bool active_ = false;
};

class CallerIdDecoder {
public:
    explicit CallerIdDecoder(CallerIdStandard standard);
    void process(const int16_t *amp, std::size_t n);
    // The last complete message decoded, if any (taken once).
    std::optional<CallerIdInfo> take();

private:
    static void onMessage(void *user, const uint8_t *msg, int len);
    AdsiRxPtr rx_;
    std::optional<CallerIdInfo> last_;
};

}  // namespace vce::dsp
