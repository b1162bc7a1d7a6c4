// RTP fixed header (RFC 3550): parse a received packet and write an outgoing one. Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace vce::media {

constexpr std::size_t kRtpHeaderSize = 12;
constexpr uint8_t kPayloadPcmu = 0;
constexpr uint8_t kPayloadPcma = 8;

struct RtpHeader {
    bool marker = false;
    uint8_t payloadType = 0;
    uint16_t sequence = 0;
    uint32_t timestamp = 0;
    uint32_t ssrc = 0;
};

struct RtpView {
    RtpHeader header;
    const uint8_t *payload = nullptr;  // points into the parsed buffer
    std::size_t payloadLen = 0;
};

// Version 2 only; skips CSRCs and a header extension, removes padding. nullopt if malformed.
std::optional<RtpView> parseRtp(const uint8_t *data, std::size_t len);
// Writes header + payload into out (cap bytes); returns the length, or 0 if it does not fit.
std::size_t writeRtp(const RtpHeader &h, const uint8_t *payload, std::size_t payloadLen,
                     uint8_t *out, std::size_t cap);

}  // namespace vce::media
