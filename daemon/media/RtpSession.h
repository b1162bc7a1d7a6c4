// One RTP stream pair for a call leg terminating on the box: G.711 audio (PCMU/PCMA) plus
// RFC 4733 telephone-events both ways. Builds the packet to send each 20 ms and classifies
// received packets. Pure: no sockets, no clock (the caller ticks it every 20 ms).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "daemon/media/RtpPacket.h"
#include "daemon/media/TelephoneEvent.h"

namespace vce::media {

struct RtpSessionConfig {
    uint8_t audioPayloadType = kPayloadPcma;  // 0 PCMU or 8 PCMA
    int telephoneEventPayloadType = 101;      // -1: telephone-events not negotiated
    uint32_t ssrc = 0;                        // 0: random
    int dtmfDurationMs = 100;
};

struct RtpStats {
    uint64_t sent = 0, received = 0, lost = 0, ignored = 0, dtmfReceived = 0;
};

class RtpSession {
public:
    explicit RtpSession(const RtpSessionConfig &config);

    // The packet for the next 20 ms (160 samples of g711): a telephone-event packet while a
    // queued digit is being sent, else audio. Returns its length (0 if cap is too small).
    std::size_t nextPacket(const uint8_t *g711, std::size_t samples, uint8_t *out, std::size_t cap);
    // Queues digits to send as telephone-events; returns false if events are not negotiated
    // or a digit is invalid.
    bool sendDtmf(const std::string &digits);
    bool sendingDtmf() const { return sender_.has_value() || !pending_.empty(); }

    struct Received {
        enum class Kind { Audio, Dtmf, Ignored } kind = Kind::Ignored;
        const uint8_t *audio = nullptr;  // into the packet
        std::size_t audioLen = 0;
        char digit = 0;
    };
    Received receive(const uint8_t *packet, std::size_t len);

    uint32_t ssrc() const { return ssrc_; }
    const RtpStats &stats() const { return stats_; }
    const RtpSessionConfig &config() const { return cfg_; }

private:
    RtpSessionConfig cfg_;
    uint32_t ssrc_;
    uint16_t seq_;
    uint32_t ts_;
    std::deque<char> pending_;
    std::optional<TelephoneEventSender> sender_;
    uint32_t eventTs_ = 0;
    TelephoneEventReceiver dtmfRx_;
    std::optional<uint16_t> lastSeq_;
    RtpStats stats_;
};

}  // namespace vce::media
