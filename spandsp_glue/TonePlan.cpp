// Call-progress tones per country (ITU-T E.180 Suppl. 2): frequencies, levels and cadences.
#include "spandsp_glue/TonePlan.h"

#include <array>

namespace vce::dsp {
namespace {

const std::array<TonePlan, 4> kPlans = {{
    {"us",
     {350, 440, -13, 1000, 0, 0, 0},
     {440, 480, -19, 2000, 4000, 0, 0},
     {480, 620, -24, 500, 500, 0, 0},
     {480, 620, -24, 250, 250, 0, 0},
     CallerIdStandard::Bellcore},
    {"gb",
     {350, 440, -13, 1000, 0, 0, 0},
     {400, 450, -19, 400, 200, 400, 2000},
     {400, 0, -13, 375, 375, 0, 0},
     {400, 0, -13, 400, 350, 225, 525},
     CallerIdStandard::Etsi},
    {"de",
     {425, 0, -10, 1000, 0, 0, 0},
     {425, 0, -10, 1000, 4000, 0, 0},
     {425, 0, -10, 480, 480, 0, 0},
     {425, 0, -10, 240, 240, 0, 0},
     CallerIdStandard::Etsi},
    {"fr",
     {440, 0, -10, 1000, 0, 0, 0},
     {440, 0, -10, 1500, 3500, 0, 0},
     {440, 0, -10, 500, 500, 0, 0},
     {440, 0, -10, 250, 250, 0, 0},
     CallerIdStandard::Etsi},
}};

}  // namespace

const ToneSpec &TonePlan::spec(Tone t) const {
    switch (t) {
        case Tone::Ringback:
            return ringback;
        case Tone::Busy:
            return busy;
        case Tone::Congestion:
            return congestion;
        default:
            return dial;
    }
}

const TonePlan *findTonePlan(const std::string &country) {
    for (const auto &p : kPlans)
        if (p.country == country) return &p;
    return nullptr;
}

std::string knownTonePlans() {
    std::string s;
    for (const auto &p : kPlans) s += (s.empty() ? "" : ", ") + p.country;
    return s;
}

std::vector<std::string> tonePlanCountries() {
    std::vector<std::string> v;
    for (const auto &p : kPlans) v.push_back(p.country);
    return v;
}

const char *toneName(Tone t) {
    switch (t) {
        case Tone::Dial:
            return "dial";
        case Tone::Ringback:
            return "ringback";
        case Tone::Busy:
            return "busy";
        case Tone::Congestion:
            return "congestion";
        default:
            return "none";
    }
}

std::string describe(const DspEvent &e) {
    switch (e.type) {
        case DspEventType::DtmfDigit:
            return std::string("dtmf ") + e.digit;
        case DspEventType::ToneDetected:
            return std::string("tone ") + toneName(e.tone);
        case DspEventType::ToneEnded:
            return std::string("tone-end ") + toneName(e.tone);
        case DspEventType::Answered:
            return "answered";
        case DspEventType::FaxCng:
            return "fax-cng";
        case DspEventType::FaxCed:
            return "fax-ced";
    }
    return "?";
}

}  // namespace vce::dsp
