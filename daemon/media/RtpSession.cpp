// One RTP stream pair for a call leg terminating on the box: G.711 plus RFC 4733 events.
#include "daemon/media/RtpSession.h"

#include <random>

namespace vce::media {
namespace {

uint32_t random32() {
    static thread_local std::mt19937 rng{std::random_device{}()};
    return rng();
}

}  // namespace

RtpSession::RtpSession(const RtpSessionConfig &config)
    : cfg_(config),
      ssrc_(config.ssrc ? config.ssrc : random32()),
      seq_(static_cast<uint16_t>(random32())),
      ts_(random32()) {}

bool RtpSession::sendDtmf(const std::string &digits) {
    if (cfg_.telephoneEventPayloadType < 0) return false;
    for (char c : digits)
        if (dtmfToEvent(c) < 0) return false;
    pending_.insert(pending_.end(), digits.begin(), digits.end());
    return true;
}

std::size_t RtpSession::nextPacket(const uint8_t *g711, std::size_t samples, uint8_t *out,
                                   std::size_t cap) {
    RtpHeader h;
    h.ssrc = ssrc_;
    std::size_t n = 0;
    if (!sender_ && !pending_.empty()) {
        sender_.emplace(pending_.front(), cfg_.dtmfDurationMs);
        pending_.pop_front();
        eventTs_ = ts_;
    }
    std::optional<TelephoneEventSender::Packet> ev;
    if (sender_) {
        ev = sender_->next();
        if (!ev) sender_.reset();
    }
    if (ev) {
        uint8_t payload[kTelephoneEventSize];
        encodeTelephoneEvent(ev->event, payload);
        h.payloadType = static_cast<uint8_t>(cfg_.telephoneEventPayloadType);
        h.marker = ev->marker;
        h.timestamp = eventTs_;
        h.sequence = seq_;
        n = writeRtp(h, payload, sizeof payload, out, cap);
    } else {
        h.payloadType = cfg_.audioPayloadType;
        h.timestamp = ts_;
        h.sequence = seq_;
        n = writeRtp(h, g711, samples, out, cap);
    }
    if (n) {
        ++seq_;
        ts_ += static_cast<uint32_t>(samples);
        ++stats_.sent;
    }
    return n;
}

RtpSession::Received RtpSession::receive(const uint8_t *packet, std::size_t len) {
    Received r;
    const auto v = parseRtp(packet, len);
    if (!v) {
        ++stats_.ignored;
        return r;
    }
    ++stats_.received;
    if (lastSeq_) {
        const uint16_t gap = static_cast<uint16_t>(v->header.sequence - *lastSeq_);
        if (gap > 1 && gap < 3000) stats_.lost += gap - 1u;
    }
    lastSeq_ = v->header.sequence;
    if (v->header.payloadType == cfg_.audioPayloadType) {
        r.kind = Received::Kind::Audio;
        r.audio = v->payload;
        r.audioLen = v->payloadLen;
    } else if (cfg_.telephoneEventPayloadType >= 0 &&
               v->header.payloadType == cfg_.telephoneEventPayloadType) {
        const auto e = decodeTelephoneEvent(v->payload, v->payloadLen);
        const auto d = e ? dtmfRx_.onPacket(v->header.timestamp, *e) : std::nullopt;
        if (d) {
            r.kind = Received::Kind::Dtmf;
            r.digit = *d;
            ++stats_.dtmfReceived;
        }
    } else {
        ++stats_.ignored;
    }
    return r;
}

}  // namespace vce::media
