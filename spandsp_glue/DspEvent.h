// Events the DSP chain reports to its driver (digits, call-progress tones, answer, fax tones).
#pragma once

#include <string>
#include <vector>

namespace vce::dsp {

enum class Tone { None, Dial, Ringback, Busy, Congestion };

enum class DspEventType {
    DtmfDigit,     // digit: '0'-'9', '*', '#', 'A'-'D'
    ToneDetected,  // tone: a call-progress tone matched its cadence
    ToneEnded,     // tone: the previously detected tone stopped
    Answered,      // call progress: speech-like energy after dialling (far end answered)
    FaxCng,        // calling fax tone (1100 Hz) heard
    FaxCed,        // called fax / answer tone (2100 Hz) heard
};

struct DspEvent {
    DspEventType type;
    char digit = 0;
    Tone tone = Tone::None;
};

using DspEventQueue = std::vector<DspEvent>;

const char *toneName(Tone t);
std::string describe(const DspEvent &e);

}  // namespace vce::dsp
