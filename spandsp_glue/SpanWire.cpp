// Wire format of a virtual span (see SpanWire.h): encode and decode, no I/O.
#include "spandsp_glue/SpanWire.h"

#include <cstring>

namespace vce::dsp::wire {
namespace {

std::size_t header(uint8_t *out, Type type, uint16_t channel, std::size_t payload) {
    out[0] = kMagic;
    out[1] = kVersion;
    out[2] = static_cast<uint8_t>(type);
    out[3] = 0;
    out[4] = static_cast<uint8_t>(channel >> 8);
    out[5] = static_cast<uint8_t>(channel);
    out[6] = static_cast<uint8_t>(payload >> 8);
    out[7] = static_cast<uint8_t>(payload);
    return kHeaderSize + payload;
}

}  // namespace

std::size_t encodeHello(uint8_t *out, uint16_t channel, Law law, ChannelRole role) {
    out[kHeaderSize] = static_cast<uint8_t>(law);
    out[kHeaderSize + 1] = static_cast<uint8_t>(role);
    return header(out, Type::Hello, channel, 2);
}

std::size_t encodeAudio(uint8_t *out, uint16_t channel, const uint8_t *g711, std::size_t len) {
    if (len > kMaxAudio) len = kMaxAudio;
    std::memcpy(out + kHeaderSize, g711, len);
    return header(out, Type::Audio, channel, len);
}

std::size_t encodeEvent(uint8_t *out, uint16_t channel, TdmEvent event) {
    out[kHeaderSize] = static_cast<uint8_t>(event);
    return header(out, Type::Event, channel, 1);
}

std::optional<Message> decode(const uint8_t *d, std::size_t len) {
    if (len < kHeaderSize || d[0] != kMagic || d[1] != kVersion) return std::nullopt;
    const std::size_t payload = (std::size_t(d[6]) << 8) | d[7];
    if (payload != len - kHeaderSize) return std::nullopt;
    Message m;
    m.channel = static_cast<uint16_t>((d[4] << 8) | d[5]);
    const uint8_t *p = d + kHeaderSize;
    switch (d[2]) {
        case uint8_t(Type::Hello):
            if (payload != 2 || p[0] > 1 || p[1] > 1) return std::nullopt;
            m.type = Type::Hello;
            m.law = static_cast<Law>(p[0]);
            m.role = static_cast<ChannelRole>(p[1]);
            return m;
        case uint8_t(Type::Audio):
            if (payload == 0 || payload > kMaxAudio) return std::nullopt;
            m.type = Type::Audio;
            m.audio = p;
            m.audioLen = payload;
            return m;
        case uint8_t(Type::Event):
            if (payload != 1 || p[0] < 1 || p[0] > 7) return std::nullopt;
            m.type = Type::Event;
            m.event = static_cast<TdmEvent>(p[0]);
            return m;
    }
    return std::nullopt;
}

}  // namespace vce::dsp::wire

namespace vce::dsp {

const char *tdmEventName(TdmEvent e) {
    switch (e) {
        case TdmEvent::OffHook:
            return "off-hook";
        case TdmEvent::OnHook:
            return "on-hook";
        case TdmEvent::RingStart:
            return "ring-start";
        case TdmEvent::RingStop:
            return "ring-stop";
        case TdmEvent::Answer:
            return "answer";
        case TdmEvent::Polarity:
            return "polarity";
        case TdmEvent::Flash:
            return "flash";
        default:
            return "none";
    }
}

}  // namespace vce::dsp
