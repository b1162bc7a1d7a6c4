// Wire format of a virtual span: how a PSTN simulator (or any far end) and vced exchange
// 20 ms G.711 blocks and line signalling over AF_UNIX SOCK_SEQPACKET sockets. Pure: encode and
// decode only.
//
// Connection: vced listens on one SOCK_SEQPACKET socket per span (e.g. /run/vce/span-1.sock).
// The far end connects once per channel and sends HELLO with the channel number it wants;
// vced answers HELLO (accepted: same channel, vced's law and role) or closes the socket
// (channel unknown or taken). After that both sides send AUDIO every 20 ms and EVENT when the
// line state changes. One message per datagram:
//
//   offset size  field
//   0      1     magic 0x56 ('V')
//   1      1     version 1
//   2      1     type: 1 HELLO, 2 AUDIO, 3 EVENT
//   3      1     reserved, 0
//   4      2     channel number, big-endian, 1-based
//   6      2     payload length, big-endian
//   8      n     payload:
//                HELLO: law (0 A-law, 1 μ-law), role of the vced side (0 FXS, 1 FXO)
//                AUDIO: n G.711 bytes (160 = 20 ms at 8 kHz; 1..480 accepted)
//                EVENT: code (TdmEvent: 1 off-hook, 2 on-hook, 3 ring start, 4 ring stop,
//                       5 answer, 6 polarity reversal, 7 flash)
//
// An in-process channel is the same protocol over socketpair(AF_UNIX, SOCK_SEQPACKET).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "spandsp_glue/TdmChannel.h"

namespace vce::dsp::wire {

constexpr uint8_t kMagic = 0x56;
constexpr uint8_t kVersion = 1;
constexpr std::size_t kHeaderSize = 8;
constexpr std::size_t kMaxAudio = 480;
constexpr std::size_t kMaxMessage = kHeaderSize + kMaxAudio;

enum class Type : uint8_t { Hello = 1, Audio = 2, Event = 3 };

struct Message {
    Type type = Type::Audio;
    uint16_t channel = 0;
    Law law = Law::Alaw;                  // Hello
    ChannelRole role = ChannelRole::Fxs;  // Hello
    TdmEvent event = TdmEvent::None;      // Event
    const uint8_t *audio = nullptr;       // Audio: points into the decoded buffer
    std::size_t audioLen = 0;
};

// Encoders return the message length written into out (at least kMaxMessage bytes).
std::size_t encodeHello(uint8_t *out, uint16_t channel, Law law, ChannelRole role);
std::size_t encodeAudio(uint8_t *out, uint16_t channel, const uint8_t *g711, std::size_t len);
std::size_t encodeEvent(uint8_t *out, uint16_t channel, TdmEvent event);
// Returns nullopt for anything malformed (bad magic/version/type/length/event code).
std::optional<Message> decode(const uint8_t *data, std::size_t len);

}  // namespace vce::dsp::wire
