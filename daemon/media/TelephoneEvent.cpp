// RFC 4733 telephone-events (DTMF over RTP): payload codec and sender/receiver state. Pure.
#include "daemon/media/TelephoneEvent.h"

#include <algorithm>
#include <cstring>

namespace vce::media {
namespace {
const char kDigits[] = "0123456789*#ABCD";
}

void encodeTelephoneEvent(const TelephoneEvent &e, uint8_t out[4]) {
    out[0] = e.event;
    out[1] = static_cast<uint8_t>((e.end ? 0x80 : 0) | (e.volume & 0x3f));
    out[2] = static_cast<uint8_t>(e.duration >> 8);
    out[3] = static_cast<uint8_t>(e.duration);
}

std::optional<TelephoneEvent> decodeTelephoneEvent(const uint8_t *p, std::size_t len) {
    if (len < kTelephoneEventSize) return std::nullopt;
    TelephoneEvent e;
    e.event = p[0];
    e.end = p[1] & 0x80;
    e.volume = p[1] & 0x3f;
    e.duration = static_cast<uint16_t>((p[2] << 8) | p[3]);
    return e;
}

int dtmfToEvent(char d) {
    if (d >= 'a' && d <= 'd') d = static_cast<char>(d - 'a' + 'A');
    const char *p = d ? std::strchr(kDigits, d) : nullptr;
    return p ? static_cast<int>(p - kDigits) : -1;
}

char eventToDtmf(uint8_t e) {
    return e < 16 ? kDigits[e] : 0;
}

TelephoneEventSender::TelephoneEventSender(char digit, int durationMs, uint8_t volume)
    : event_(dtmfToEvent(digit)), volume_(volume), total_(std::max(40, durationMs) * 8) {}

std::optional<TelephoneEventSender::Packet> TelephoneEventSender::next() {
    if (event_ < 0 || ends_ >= 3) return std::nullopt;
    Packet p{};
    p.event.event = static_cast<uint8_t>(event_);
    p.event.volume = volume_;
    p.marker = sent_ == 0;
    const int elapsed = std::min(total_, (sent_ + 1) * 160);
    p.event.duration = static_cast<uint16_t>(elapsed);
    p.event.end = elapsed >= total_;
    if (p.event.end) ++ends_;
    ++sent_;
    return p;
}

std::optional<char> TelephoneEventReceiver::onPacket(uint32_t timestamp, const TelephoneEvent &e) {
    if (lastTimestamp_ && *lastTimestamp_ == timestamp) return std::nullopt;
    const char d = eventToDtmf(e.event);
    if (!d) return std::nullopt;
    lastTimestamp_ = timestamp;
    return d;
}

}  // namespace vce::media
