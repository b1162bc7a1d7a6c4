// G.711 A-law / μ-law conversion of whole frames (table-driven decode, SpanDSP encode).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace vce::dsp {

enum class Law : uint8_t { Alaw = 0, Ulaw = 1 };

constexpr int kSampleRate = 8000;
constexpr std::size_t kFrameSamples = 160;  // one 20 ms block at 8 kHz

void g711Encode(Law law, const int16_t *in, uint8_t *out, std::size_t n);
void g711Decode(Law law, const uint8_t *in, int16_t *out, std::size_t n);
uint8_t g711Encode(Law law, int16_t sample);
int16_t g711Decode(Law law, uint8_t code);
// The code for silence on the line (A-law 0x55/0xD5 family, μ-law 0xFF).
uint8_t g711Silence(Law law);
const char *lawName(Law law);
// "alaw"/"pcma"/"ulaw"/"mulaw"/"pcmu"; returns false if unknown.
bool parseLaw(const std::string &text, Law &out);

}  // namespace vce::dsp
