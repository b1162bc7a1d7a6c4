// The media of a gateway call, on either side of the offer/answer: answers the caller's SDP
// offer (ChannelTech "TDM" dialled by another module), or makes the offer for a TDM line that
// dials another technology and applies the answer. Owns the call's RTP socket and converts
// between RTP (G.711 PCMU/PCMA, RFC 4733 telephone-events, SDES-SRTP) and the linear audio of
// the TDM channel's DspChain. One owner thread (the TDM thread); no clock of its own: the line's
// 20 ms blocks drive send().
// Errors: answer() and offer() return a status (488 nothing acceptable, 503 no free port) and a
// reason; accept() returns the result of checking the answer (488 and a reason when refused).
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/media/MediaEndpoint.h"
#include "daemon/media/RtpSession.h"
#include "daemon/media/SdpAudio.h"
#include "daemon/media/SrtpContext.h"
#include "spandsp_glue/G711.h"

namespace vce::tdm {

struct MediaSettings {
    std::string address = "127.0.0.1";       // tdm.conf media_ip
    int port_min = 40000, port_max = 40999;  // tdm.conf rtp_ports (even ports are used)
    dsp::Law law = dsp::Law::Alaw;           // the trunk's law: its codec is preferred
};

// The answer to an offer, without sockets: the codec matching `law` first, telephone-event when
// offered, SDES-SRTP when a supported a=crypto is offered (with `key` as ours). An offer whose
// a=crypto lines are all unsupported is refused (488) even on RTP/AVP, as is a disabled
// (port 0) or non-IPv4 audio stream. Pure.
media::OfferAnswerResult negotiate_gateway_media(const std::string &offer, dsp::Law law,
                                                 const std::string &address, uint16_t port,
                                                 const std::vector<uint8_t> &key,
                                                 uint64_t session_id = 1);

// Our offer as the calling side, without sockets: PCMA/PCMU with `law`'s codec first,
// telephone-event (101), plain RTP/AVP. Pure.
media::LocalMedia gateway_offer_media(dsp::Law law, const std::string &address, uint16_t port,
                                      uint64_t session_id = 1);
// Checks the callee's answer to that offer: one codec we offered, an enabled (port != 0) IPv4
// stream, no SRTP (we offered none); telephone-event only if we offered it. Pure.
media::OfferAnswerResult accept_gateway_answer(const media::LocalMedia &offered,
                                               const std::string &answer);

struct RtpBridgeStats {
    uint64_t rx = 0;             // RTP packets accepted (after SRTP)
    uint64_t tx = 0;             // RTP packets sent
    uint64_t auth_failures = 0;  // SRTP packets failing authentication (dropped)
    uint64_t dropped = 0;        // other drops: replay, not RTP, unknown payload type
    uint64_t dtmf = 0;           // RFC 4733 digits received
    uint64_t latched = 0;        // times the peer address moved (symmetric RTP)
};

class RtpBridge {
public:
    struct Setup {
        std::unique_ptr<RtpBridge> bridge;  // set when ok
        int status = 200;                   // 488 or 503 when refused
        std::string reason;
    };
    // Negotiates the offer and binds a socket on settings.address, on the first free even port
    // of the range from `cursor` on (the cursor moves past it, so ports rotate).
    static Setup answer(const std::string &offer, const MediaSettings &settings, int &cursor);
    // The calling side: binds a socket the same way and prepares our offer (offer_sdp()). The
    // bridge carries no audio until accept() applies the answer.
    static Setup offer(const MediaSettings &settings, int &cursor);
    // Applies the answer to our offer (codec, payload types, remote address); refused (488 and
    // why) when it does not fit the offer, and the bridge stays silent.
    media::OfferAnswerResult accept(const std::string &answer_sdp);

    ~RtpBridge();
    RtpBridge(const RtpBridge &) = delete;
    RtpBridge &operator=(const RtpBridge &) = delete;

    int fd() const { return socket_->fd(); }
    uint16_t local_port() const { return socket_->port(); }
    const std::string &answer_sdp() const { return answer_sdp_; }
    const std::string &offer_sdp() const { return offer_sdp_; }
    bool started() const { return session_.has_value(); }  // media negotiated
    const media::NegotiatedMedia &media() const { return media_; }

    // Reads every waiting packet: audio decoded to linear is appended to `audio`, RFC 4733
    // digits to `digits`. A valid packet from another address moves the peer there (NAT).
    // Before the media is negotiated, packets are read and dropped.
    void receive(std::deque<int16_t> &audio, std::string &digits);
    // Linear audio toward the caller: one RTP packet per 160 samples (20 ms).
    void send(const int16_t *samples, std::size_t n);

    std::string peer() const;      // "address:port" RTP goes to
    std::string describe() const;  // one line for vcectl
    const RtpBridgeStats &stats() const { return stats_; }

private:
    RtpBridge(std::unique_ptr<media::UdpSocket> socket, const std::string &local_address);
    // Binds the first free even port of the range from `cursor` on; null and why when none.
    static std::unique_ptr<media::UdpSocket> bind_port(const MediaSettings &s, int &cursor,
                                                       std::string &error);
    void start(const media::NegotiatedMedia &m);  // throws std::runtime_error (bad address)
    void flush();

    std::unique_ptr<media::UdpSocket> socket_;
    media::NegotiatedMedia media_;
    std::string answer_sdp_, offer_sdp_, local_address_;
    media::LocalMedia offered_;  // the offer side: what we offered
    dsp::Law codec_law_ = dsp::Law::Alaw;
    sockaddr_in remote_{};
    std::optional<media::RtpSession> session_;  // set once the media is negotiated
    std::unique_ptr<media::SrtpContext> srtp_in_, srtp_out_;
    std::vector<int16_t> pending_;  // toward the caller, < 160 samples
    RtpBridgeStats stats_;
};

}  // namespace vce::tdm
