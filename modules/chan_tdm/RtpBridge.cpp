// The media of a gateway call: SDP answer, RTP socket, RTP/SRTP <-> linear audio (see RtpBridge.h).
#include "RtpBridge.h"

#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "daemon/media/RtpPacket.h"

namespace vce::tdm {

namespace {

constexpr std::size_t kMaxPacket = 1500;

media::OfferAnswerResult refuse(const std::string &why) {
    media::OfferAnswerResult r;
    r.ok = false;
    r.status = 488;
    r.reason = why;
    return r;
}

dsp::Law law_of(uint8_t pt) {
    return pt == media::kPayloadPcmu ? dsp::Law::Ulaw : dsp::Law::Alaw;
}

}  // namespace

media::OfferAnswerResult negotiate_gateway_media(const std::string &offer, dsp::Law law,
                                                 const std::string &address, uint16_t port,
                                                 const std::vector<uint8_t> &key,
                                                 uint64_t session_id) {
    const media::SdpParseResult p = media::parseSdpAudio(offer);
    if (!p.audio) return refuse("unreadable offer: " + p.error);
    const media::SdpAudio &o = *p.audio;
    if (o.port == 0) return refuse("the offer's audio stream is disabled (m=audio port 0)");
    in_addr a{};
    if (inet_pton(AF_INET, o.address.c_str(), &a) != 1)
        return refuse("the offer's connection address '" + o.address + "' is not IPv4");
    if (!o.crypto.empty()) {
        const media::CryptoChoice c = media::chooseCrypto(o.crypto);
        if (!c.chosen) return refuse(c.error);
    }
    // What we offer ourselves, plus SDES-SRTP when the caller offers it.
    media::LocalMedia local = gateway_offer_media(law, address, port, session_id);
    local.srtp = media::SrtpPolicy::Optional;
    local.srtpKey = key;
    media::OfferAnswerResult r = media::answerOffer(offer, local);
    // Best-effort SRTP (a=crypto on an RTP/AVP offer): the answer keeps the offer's profile.
    const std::string savp = "m=audio " + std::to_string(port) + " RTP/SAVP ";
    const auto at = r.sdp.find(savp);
    if (r.ok && o.profile == "RTP/AVP" && at != std::string::npos)
        r.sdp.replace(at, savp.size(), "m=audio " + std::to_string(port) + " RTP/AVP ");
    return r;
}

media::LocalMedia gateway_offer_media(dsp::Law law, const std::string &address, uint16_t port,
                                      uint64_t session_id) {
    media::LocalMedia local;
    local.address = address;
    local.port = port;
    local.codecs = law == dsp::Law::Ulaw ? std::vector<int>{0, 8} : std::vector<int>{8, 0};
    local.telephoneEventPt = 101;
    local.srtp = media::SrtpPolicy::Off;
    local.sessionId = session_id;
    return local;
}

media::OfferAnswerResult accept_gateway_answer(const media::LocalMedia &offered,
                                               const std::string &answer) {
    const media::SdpParseResult p = media::parseSdpAudio(answer);
    if (!p.audio) return refuse("unreadable answer: " + p.error);
    const media::SdpAudio &a = *p.audio;
    if (a.port == 0) return refuse("the answer disabled the audio stream (m=audio port 0)");
    in_addr addr{};
    if (inet_pton(AF_INET, a.address.c_str(), &addr) != 1)
        return refuse("the answer's connection address '" + a.address + "' is not IPv4");
    if (offered.srtp == media::SrtpPolicy::Off && (!a.crypto.empty() || a.profile == "RTP/SAVP"))
        return refuse("the answer uses SRTP, which we did not offer");
    media::OfferAnswerResult r = media::acceptAnswer(offered, answer);
    if (!r.ok) return r;
    // telephone-event counts only when the answer's m= line lists it.
    const auto &pts = a.payloadTypes;
    if (std::find(pts.begin(), pts.end(), r.media.telephoneEventPt) == pts.end())
        r.media.telephoneEventPt = -1;
    r.sdp = answer;
    return r;
}

namespace {
uint64_t unix_seconds() {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
}
}  // namespace

std::unique_ptr<media::UdpSocket> RtpBridge::bind_port(const MediaSettings &s, int &cursor,
                                                       std::string &error) {
    const int first = s.port_min + (s.port_min & 1), last = s.port_max;
    const int count = last >= first ? (last - first) / 2 + 1 : 0;
    if (cursor < first || cursor > last) cursor = first;
    std::unique_ptr<media::UdpSocket> sock;
    std::string last_error = "empty range";
    for (int i = 0; i < count && !sock; ++i) {
        const int port = first + ((cursor - first) / 2 + i) % count * 2;
        try {
            sock = std::make_unique<media::UdpSocket>(s.address, static_cast<uint16_t>(port));
            cursor = port + 2;
        } catch (const std::exception &e) {
            last_error = e.what();
        }
    }
    if (!sock)
        error = "no free RTP port in " + std::to_string(s.port_min) + "-" +
                std::to_string(s.port_max) + " on " + s.address + " (" + last_error + ")";
    return sock;
}

RtpBridge::Setup RtpBridge::answer(const std::string &offer, const MediaSettings &s, int &cursor) {
    Setup out;
    const std::vector<uint8_t> key = media::randomSrtpKey();
    const uint64_t session_id = unix_seconds();
    // Refuse before taking a port when nothing fits.
    const auto check = negotiate_gateway_media(offer, s.law, s.address, 0, key, session_id);
    if (!check.ok) {
        out.status = check.status;
        out.reason = check.reason;
        return out;
    }
    std::string error;
    std::unique_ptr<media::UdpSocket> sock = bind_port(s, cursor, error);
    if (!sock) {
        out.status = 503;
        out.reason = error;
        return out;
    }
    const auto r = negotiate_gateway_media(offer, s.law, s.address, sock->port(), key, session_id);
    try {
        out.bridge.reset(new RtpBridge(std::move(sock), s.address));
        out.bridge->answer_sdp_ = r.sdp;
        out.bridge->start(r.media);
    } catch (const std::exception &e) {
        out.bridge.reset();
        out.status = 488;
        out.reason = std::string("media setup failed: ") + e.what();
    }
    return out;
}

RtpBridge::Setup RtpBridge::offer(const MediaSettings &s, int &cursor) {
    Setup out;
    std::string error;
    std::unique_ptr<media::UdpSocket> sock = bind_port(s, cursor, error);
    if (!sock) {
        out.status = 503;
        out.reason = error;
        return out;
    }
    const uint16_t port = sock->port();
    out.bridge.reset(new RtpBridge(std::move(sock), s.address));
    out.bridge->offered_ = gateway_offer_media(s.law, s.address, port, unix_seconds());
    out.bridge->offer_sdp_ = media::buildOffer(out.bridge->offered_);
    return out;
}

media::OfferAnswerResult RtpBridge::accept(const std::string &answer_sdp) {
    if (offer_sdp_.empty()) return refuse("this bridge made no offer");
    media::OfferAnswerResult r = accept_gateway_answer(offered_, answer_sdp);
    if (!r.ok) return r;
    try {
        start(r.media);
    } catch (const std::exception &e) {
        return refuse(std::string("media setup failed: ") + e.what());
    }
    return r;
}

RtpBridge::RtpBridge(std::unique_ptr<media::UdpSocket> socket, const std::string &local_address)
    : socket_(std::move(socket)), local_address_(local_address) {
    pending_.reserve(dsp::kFrameSamples);
}

void RtpBridge::start(const media::NegotiatedMedia &m) {
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(m.remotePort);
    if (inet_pton(AF_INET, m.remoteAddress.c_str(), &remote.sin_addr) != 1)
        throw std::runtime_error("'" + m.remoteAddress + "' is not an IPv4 address");
    std::unique_ptr<media::SrtpContext> out, in;
    if (m.suite) {
        out = std::make_unique<media::SrtpContext>(*m.suite, m.localKey,
                                                   media::SrtpContext::Direction::Outbound);
        in = std::make_unique<media::SrtpContext>(*m.suite, m.remoteKey,
                                                  media::SrtpContext::Direction::Inbound);
    }
    media::RtpSessionConfig c;
    c.audioPayloadType = m.audioPt;
    c.telephoneEventPayloadType = m.telephoneEventPt;
    media_ = m;
    codec_law_ = law_of(m.audioPt);
    remote_ = remote;
    srtp_out_ = std::move(out);
    srtp_in_ = std::move(in);
    session_.emplace(c);
}

RtpBridge::~RtpBridge() = default;

void RtpBridge::receive(std::deque<int16_t> &audio, std::string &digits) {
    uint8_t buf[kMaxPacket];
    for (int budget = 0; budget < 256; ++budget) {
        sockaddr_in from{};
        const long got = socket_->receive(buf, sizeof buf, &from);
        if (got < 0) return;
        if (!session_) {  // not negotiated yet (an offer waiting for its answer)
            ++stats_.dropped;
            continue;
        }
        std::size_t n = static_cast<std::size_t>(got);
        if (srtp_in_ && !srtp_in_->unprotect(buf, n)) {
            stats_.auth_failures = srtp_in_->stats().authFailures;
            ++stats_.dropped;
            continue;
        }
        const auto v = media::parseRtp(buf, n);
        if (!v ||
            (v->header.payloadType != media_.audioPt &&
             (media_.telephoneEventPt < 0 || v->header.payloadType != media_.telephoneEventPt))) {
            ++stats_.dropped;
            continue;
        }
        ++stats_.rx;
        if (from.sin_addr.s_addr != remote_.sin_addr.s_addr || from.sin_port != remote_.sin_port) {
            remote_.sin_addr = from.sin_addr;
            remote_.sin_port = from.sin_port;
            ++stats_.latched;
        }
        const auto r = session_->receive(buf, n);
        if (r.kind == media::RtpSession::Received::Kind::Audio) {
            int16_t lin[kMaxPacket];
            const std::size_t len = std::min(r.audioLen, sizeof lin / sizeof lin[0]);
            dsp::g711Decode(codec_law_, r.audio, lin, len);
            audio.insert(audio.end(), lin, lin + len);
        } else if (r.kind == media::RtpSession::Received::Kind::Dtmf) {
            ++stats_.dtmf;
            digits += r.digit;
        }
    }
}

void RtpBridge::send(const int16_t *samples, std::size_t n) {
    if (!session_) return;
    for (std::size_t i = 0; i < n; ++i) {
        pending_.push_back(samples ? samples[i] : 0);
        if (pending_.size() == dsp::kFrameSamples) flush();
    }
}

void RtpBridge::flush() {
    uint8_t g711[dsp::kFrameSamples];
    dsp::g711Encode(codec_law_, pending_.data(), g711, pending_.size());
    uint8_t buf[media::kRtpHeaderSize + dsp::kFrameSamples + media::kSrtpMaxTrailer];
    std::size_t len =
        session_->nextPacket(g711, pending_.size(), buf, sizeof buf - media::kSrtpMaxTrailer);
    pending_.clear();
    if (!len) return;
    if (srtp_out_ && !srtp_out_->protect(buf, len)) return;
    if (socket_->sendTo(buf, len, remote_)) ++stats_.tx;
}

std::string RtpBridge::peer() const {
    char a[INET_ADDRSTRLEN] = "?";
    inet_ntop(AF_INET, &remote_.sin_addr, a, sizeof a);
    return std::string(a) + ":" + std::to_string(ntohs(remote_.sin_port));
}

std::string RtpBridge::describe() const {
    char buf[512];
    if (!session_) {
        std::snprintf(buf, sizeof buf, "rtp %s:%u offered, waiting for the answer",
                      local_address_.c_str(), static_cast<unsigned>(local_port()));
        return buf;
    }
    std::snprintf(
        buf, sizeof buf,
        "rtp %s:%u <-> %s %s%s%s rx %llu tx %llu auth-failures %llu dropped %llu dtmf %llu",
        local_address_.c_str(), static_cast<unsigned>(local_port()), peer().c_str(),
        media_.audioPt == media::kPayloadPcmu ? "PCMU" : "PCMA", media_.suite ? " srtp " : "",
        media_.suite ? media::srtpSuiteName(*media_.suite) : "",
        static_cast<unsigned long long>(stats_.rx), static_cast<unsigned long long>(stats_.tx),
        static_cast<unsigned long long>(stats_.auth_failures),
        static_cast<unsigned long long>(stats_.dropped),
        static_cast<unsigned long long>(stats_.dtmf));
    return buf;
}

}  // namespace vce::tdm
