// The media of a gateway call (ChannelTech "TDM" dialled by another module): answers the
// caller's SDP offer, owns the call's RTP socket and converts between RTP (G.711 PCMU/PCMA,
// RFC 4733 telephone-events, SDES-SRTP) and the linear audio of the TDM channel's DspChain.
// One owner thread (the TDM thread); no clock of its own: the line's 20 ms blocks drive send().
// Errors: answer() returns a status (488 nothing acceptable, 503 no free port) and a reason.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "daemon/media/MediaEndpoint.h"
#include "daemon/media/RtpSession.h"
#include "daemon/media/SdpAudio.h"
#include "daemon/media/SrtpContext.h"
#include "spandsp_glue/G711.h"

namespace vce::tdm {

struct MediaSettings {
    std::string address = "127.0.0.1";     // tdm.conf media_ip
    int portMin = 40000, portMax = 40999;  // tdm.conf rtp_ports (even ports are used)
    dsp::Law law = dsp::Law::Alaw;         // the trunk's law: its codec is preferred
};

// The answer to an offer, without sockets: the codec matching `law` first, telephone-event when
// offered, SDES-SRTP when a supported a=crypto is offered (with `key` as ours). An offer whose
// a=crypto lines are all unsupported is refused (488) even on RTP/AVP, as is a disabled
// (port 0) or non-IPv4 audio stream. Pure.
media::OfferAnswerResult negotiateGatewayMedia(const std::string &offer, dsp::Law law,
                                               const std::string &address, uint16_t port,
                                               const std::vector<uint8_t> &key,
                                               uint64_t sessionId = 1);

struct RtpBridgeStats {
    uint64_t rx = 0;            // RTP packets accepted (after SRTP)
    uint64_t tx = 0;            // RTP packets sent
    uint64_t authFailures = 0;  // SRTP packets failing authentication (dropped)
    uint64_t dropped = 0;       // other drops: replay, not RTP, unknown payload type
    uint64_t dtmf = 0;          // RFC 4733 digits received
    uint64_t latched = 0;       // times the peer address moved (symmetric RTP)
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

    ~RtpBridge();
    RtpBridge(const RtpBridge &) = delete;
    RtpBridge &operator=(const RtpBridge &) = delete;

    int fd() const { return socket_->fd(); }
    uint16_t localPort() const { return socket_->port(); }
    const std::string &answerSdp() const { return answerSdp_; }
    const media::NegotiatedMedia &media() const { return media_; }

    // Reads every waiting packet: audio decoded to linear is appended to `audio`, RFC 4733
    // digits to `digits`. A valid packet from another address moves the peer there (NAT).
    void receive(std::deque<int16_t> &audio, std::string &digits);
    // Linear audio toward the caller: one RTP packet per 160 samples (20 ms).
    void send(const int16_t *samples, std::size_t n);

    std::string peer() const;      // "address:port" RTP goes to
    std::string describe() const;  // one line for vcectl
    const RtpBridgeStats &stats() const { return stats_; }

private:
    RtpBridge(std::unique_ptr<media::UdpSocket> socket, const media::NegotiatedMedia &m,
              std::string answerSdp, const std::string &localAddress);
    void flush();

    std::unique_ptr<media::UdpSocket> socket_;
    media::NegotiatedMedia media_;
    std::string answerSdp_, localAddress_;
    dsp::Law codecLaw_;
    sockaddr_in remote_{};
    media::RtpSession session_;
    std::unique_ptr<media::SrtpContext> srtpIn_, srtpOut_;
    std::vector<int16_t> pending_;  // toward the caller, < 160 samples
    RtpBridgeStats stats_;
};

}  // namespace vce::tdm
