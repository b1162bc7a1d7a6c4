// RFC 4733 telephone-events (DTMF over RTP): the 4-byte payload, and the sender/receiver
// state machines (start with marker, updates every 20 ms, end sent three times; the receiver
// reports each event once, keyed by its RTP timestamp). Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace vce::media {

struct TelephoneEvent {
    uint8_t event = 0;  // 0-9, 10 '*', 11 '#', 12-15 'A'-'D'
    bool end = false;
    uint8_t volume = 10;    // -dBm0, 0..63
    uint16_t duration = 0;  // in timestamp units (8 kHz)
};

constexpr std::size_t kTelephoneEventSize = 4;

void encodeTelephoneEvent(const TelephoneEvent &e, uint8_t out[4]);
std::optional<TelephoneEvent> decodeTelephoneEvent(const uint8_t *p, std::size_t len);
// '0'..'9' '*' '#' 'A'..'D' <-> 0..15; -1 / 0 when not a DTMF digit.
int dtmfToEvent(char digit);
char eventToDtmf(uint8_t event);

// Produces the payloads for one digit: call next() every 20 ms until it returns nullopt.
class TelephoneEventSender {
public:
    // durationMs of the tone (>= 40); the last three packets carry the end bit.
    TelephoneEventSender(char digit, int durationMs = 100, uint8_t volume = 10);
    bool valid() const { return event_ >= 0; }
    struct Packet {
        TelephoneEvent event;
        bool marker;  // first packet of the event
    };
    std::optional<Packet> next();

private:
    int event_;
    uint8_t volume_;
    int total_;     // duration in samples
    int sent_ = 0;  // packets sent
    int ends_ = 0;  // end packets sent
};

class TelephoneEventReceiver {
public:
    // Returns the digit the first time an event with this RTP timestamp is seen.
    std::optional<char> onPacket(uint32_t timestamp, const TelephoneEvent &e);

private:
    std::optional<uint32_t> lastTimestamp_;
};

}  // namespace vce::media
