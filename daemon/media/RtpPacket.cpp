// RTP fixed header (RFC 3550): parse a received packet and write an outgoing one. Pure.
#include "daemon/media/RtpPacket.h"

#include <cstring>

namespace vce::media {

std::optional<RtpView> parseRtp(const uint8_t *d, std::size_t len) {
    if (len < kRtpHeaderSize || (d[0] >> 6) != 2) return std::nullopt;
    const bool padding = d[0] & 0x20, extension = d[0] & 0x10;
    std::size_t off = kRtpHeaderSize + 4u * (d[0] & 0x0f);
    if (off > len) return std::nullopt;
    if (extension) {
        if (off + 4 > len) return std::nullopt;
        off += 4 + 4u * ((std::size_t(d[off + 2]) << 8) | d[off + 3]);
        if (off > len) return std::nullopt;
    }
    std::size_t end = len;
    if (padding) {
        const uint8_t pad = d[len - 1];
        if (pad == 0 || pad > end - off) return std::nullopt;
        end -= pad;
    }
    RtpView v;
    v.header.marker = d[1] & 0x80;
    v.header.payloadType = d[1] & 0x7f;
    v.header.sequence = static_cast<uint16_t>((d[2] << 8) | d[3]);
    v.header.timestamp =
        (uint32_t(d[4]) << 24) | (uint32_t(d[5]) << 16) | (uint32_t(d[6]) << 8) | d[7];
    v.header.ssrc =
        (uint32_t(d[8]) << 24) | (uint32_t(d[9]) << 16) | (uint32_t(d[10]) << 8) | d[11];
    v.payload = d + off;
    v.payloadLen = end - off;
    return v;
}

std::size_t writeRtp(const RtpHeader &h, const uint8_t *payload, std::size_t payloadLen,
                     uint8_t *out, std::size_t cap) {
    if (kRtpHeaderSize + payloadLen > cap) return 0;
    out[0] = 0x80;
    out[1] = static_cast<uint8_t>((h.marker ? 0x80 : 0) | (h.payloadType & 0x7f));
    out[2] = static_cast<uint8_t>(h.sequence >> 8);
    out[3] = static_cast<uint8_t>(h.sequence);
    for (int i = 0; i < 4; ++i) {
        out[4 + i] = static_cast<uint8_t>(h.timestamp >> (24 - 8 * i));
        out[8 + i] = static_cast<uint8_t>(h.ssrc >> (24 - 8 * i));
    }
    if (payloadLen) std::memcpy(out + kRtpHeaderSize, payload, payloadLen);
    return kRtpHeaderSize + payloadLen;
}

}  // namespace vce::media
