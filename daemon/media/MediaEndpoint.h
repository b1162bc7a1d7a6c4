// The UDP side of a call leg terminating on the box: a non-blocking socket bound on a local
// address, carrying the RtpSession's packets, through SRTP when negotiated. Poll fd() for POLLIN
// on the media thread, call receive() until it returns nullopt; call sendFrame() every 20 ms.
// Errors: the constructor and start() throw std::runtime_error (bind failure, bad address/key).
#pragma once

#include <netinet/in.h>

#include <memory>
#include <optional>
#include <string>

#include "daemon/media/RtpSession.h"
#include "daemon/media/SdpAudio.h"
#include "daemon/media/SrtpContext.h"

namespace vce::media {

class UdpSocket {
public:
    UdpSocket(const std::string &address, uint16_t port);  // port 0: any free port
    ~UdpSocket();
    UdpSocket(const UdpSocket &) = delete;
    UdpSocket &operator=(const UdpSocket &) = delete;
    int fd() const { return fd_; }
    uint16_t port() const { return port_; }
    bool sendTo(const uint8_t *data, std::size_t len, const sockaddr_in &to);
    // Non-blocking: -1 when nothing is waiting.
    long receive(uint8_t *buf, std::size_t cap, sockaddr_in *from = nullptr);

private:
    int fd_ = -1;
    uint16_t port_ = 0;
};

struct MediaStats {
    uint64_t dropped = 0;  // packets dropped before RTP parsing (SRTP failures, wrong source)
};

class MediaEndpoint {
public:
    MediaEndpoint(const std::string &localAddress, uint16_t port = 0);
    uint16_t port() const { return socket_.port(); }
    int fd() const { return socket_.fd(); }

    // After offer/answer: remote address, payload types and (optionally) SRTP keys.
    void start(const NegotiatedMedia &media);
    bool started() const { return session_ != nullptr; }

    bool sendFrame(const uint8_t *g711, std::size_t samples);
    bool sendDtmf(const std::string &digits) { return session_ && session_->sendDtmf(digits); }
    // One received packet, classified; nullopt when nothing is waiting. Audio points into buf.
    std::optional<RtpSession::Received> receive(uint8_t *buf, std::size_t cap);

    const RtpSession *session() const { return session_.get(); }
    const SrtpContext *srtpIn() const { return srtpIn_.get(); }
    const SrtpContext *srtpOut() const { return srtpOut_.get(); }
    const MediaStats &stats() const { return stats_; }

private:
    UdpSocket socket_;
    sockaddr_in remote_{};
    std::unique_ptr<RtpSession> session_;
    std::unique_ptr<SrtpContext> srtpIn_, srtpOut_;
    MediaStats stats_;
};

}  // namespace vce::media
