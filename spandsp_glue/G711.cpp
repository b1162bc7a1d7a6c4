// G.711 A-law / μ-law conversion of whole frames (table-driven decode, SpanDSP encode).
#include "spandsp_glue/G711.h"

#include <spandsp.h>

#include <array>

namespace vce::dsp {
namespace {

struct DecodeTables {
    std::array<int16_t, 256> alaw{}, ulaw{};
    DecodeTables() {
        for (int i = 0; i < 256; ++i) {
            alaw[i] = alaw_to_linear(static_cast<uint8_t>(i));
            ulaw[i] = ulaw_to_linear(static_cast<uint8_t>(i));
        }
    }
};

const DecodeTables &tables() {
    static const DecodeTables t;
    return t;
}

}  // namespace

uint8_t g711Encode(Law law, int16_t s) {
    return law == Law::Alaw ? linear_to_alaw(s) : linear_to_ulaw(s);
}

int16_t g711Decode(Law law, uint8_t c) {
    return law == Law::Alaw ? tables().alaw[c] : tables().ulaw[c];
}

void g711Encode(Law law, const int16_t *in, uint8_t *out, std::size_t n) {
    if (law == Law::Alaw)
        for (std::size_t i = 0; i < n; ++i) out[i] = linear_to_alaw(in[i]);
    else
        for (std::size_t i = 0; i < n; ++i) out[i] = linear_to_ulaw(in[i]);
}

void g711Decode(Law law, const uint8_t *in, int16_t *out, std::size_t n) {
    const auto &t = law == Law::Alaw ? tables().alaw : tables().ulaw;
    for (std::size_t i = 0; i < n; ++i) out[i] = t[in[i]];
}

uint8_t g711Silence(Law law) {
    return g711Encode(law, 0);
}

const char *lawName(Law law) {
    return law == Law::Alaw ? "alaw" : "ulaw";
}

bool parseLaw(const std::string &t, Law &out) {
    if (t == "alaw" || t == "pcma" || t == "PCMA" || t == "a-law") {
        out = Law::Alaw;
        return true;
    }
    if (t == "ulaw" || t == "mulaw" || t == "pcmu" || t == "PCMU" || t == "u-law") {
        out = Law::Ulaw;
        return true;
    }
    return false;
}

}  // namespace vce::dsp
