// Call-progress tones per country (ITU-T E.180 Suppl. 2): frequencies, levels and cadences.
#pragma once

#include <string>
#include <vector>

#include "spandsp_glue/DspEvent.h"

namespace vce::dsp {

enum class CallerIdStandard { Bellcore, Etsi };  // Bell 202 CLASS MDMF, or V.23 ETSI CLIP MDMF

struct ToneSpec {
    int f1 = 0, f2 = 0;  // Hz; f2 = 0 for a single frequency
    int level = -13;     // dBm0 per frequency
    // Cadence in ms: on1, off1, on2, off2. off1 == 0: continuous.
    int on1 = 0, off1 = 0, on2 = 0, off2 = 0;
    bool continuous() const { return off1 == 0; }
};

struct TonePlan {
    std::string country;  // ISO 3166 alpha-2, lower case
    ToneSpec dial, ringback, busy, congestion;
    CallerIdStandard callerId = CallerIdStandard::Etsi;
    const ToneSpec &spec(Tone t) const;
};

// Returns nullptr for an unknown country.
const TonePlan *findTonePlan(const std::string &country);
// The countries known, for error messages ("us, gb, de, fr").
std::string knownTonePlans();
// The countries known, in table order (for tests and listings).
std::vector<std::string> tonePlanCountries();

}  // namespace vce::dsp
