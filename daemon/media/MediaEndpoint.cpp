// The UDP side of a call leg terminating on the box: RTP over UDP, through SRTP when negotiated.
#include "daemon/media/MediaEndpoint.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace vce::media {
namespace {

sockaddr_in ipv4(const std::string &address, uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    if (inet_pton(AF_INET, address.c_str(), &a.sin_addr) != 1)
        throw std::runtime_error("media: '" + address + "' is not an IPv4 address");
    return a;
}

}  // namespace

UdpSocket::UdpSocket(const std::string &address, uint16_t port) {
    const sockaddr_in a = ipv4(address, port);
    fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error(std::string("media: socket: ") + std::strerror(errno));
    if (bind(fd_, reinterpret_cast<const sockaddr *>(&a), sizeof a) != 0) {
        const int e = errno;
        ::close(fd_);
        throw std::runtime_error("media: bind " + address + ":" + std::to_string(port) + ": " +
                                 std::strerror(e));
    }
    sockaddr_in bound{};
    socklen_t len = sizeof bound;
    getsockname(fd_, reinterpret_cast<sockaddr *>(&bound), &len);
    port_ = ntohs(bound.sin_port);
}

UdpSocket::~UdpSocket() {
    if (fd_ >= 0) ::close(fd_);
}

bool UdpSocket::sendTo(const uint8_t *data, std::size_t len, const sockaddr_in &to) {
    return sendto(fd_, data, len, 0, reinterpret_cast<const sockaddr *>(&to), sizeof to) ==
           static_cast<ssize_t>(len);
}

long UdpSocket::receive(uint8_t *buf, std::size_t cap, sockaddr_in *from) {
    sockaddr_in src{};
    socklen_t len = sizeof src;
    const ssize_t n = recvfrom(fd_, buf, cap, 0, reinterpret_cast<sockaddr *>(&src), &len);
    if (n >= 0 && from) *from = src;
    return n;
}

MediaEndpoint::MediaEndpoint(const std::string &localAddress, uint16_t port)
    : socket_(localAddress, port) {}

void MediaEndpoint::start(const NegotiatedMedia &m) {
    remote_ = ipv4(m.remoteAddress, m.remotePort);
    RtpSessionConfig c;
    c.audioPayloadType = m.audioPt;
    c.telephoneEventPayloadType = m.telephoneEventPt;
    session_ = std::make_unique<RtpSession>(c);
    if (m.suite) {
        srtpOut_ =
            std::make_unique<SrtpContext>(*m.suite, m.localKey, SrtpContext::Direction::Outbound);
        srtpIn_ =
            std::make_unique<SrtpContext>(*m.suite, m.remoteKey, SrtpContext::Direction::Inbound);
    }
}

bool MediaEndpoint::sendFrame(const uint8_t *g711, std::size_t samples) {
    if (!session_) return false;
    uint8_t buf[kRtpHeaderSize + 480 + kSrtpMaxTrailer];
    std::size_t n = session_->nextPacket(g711, samples, buf, sizeof buf - kSrtpMaxTrailer);
    if (!n) return false;
    if (srtpOut_ && !srtpOut_->protect(buf, n)) return false;
    return socket_.sendTo(buf, n, remote_);
}

std::optional<RtpSession::Received> MediaEndpoint::receive(uint8_t *buf, std::size_t cap) {
    for (;;) {
        const long got = socket_.receive(buf, cap);
        if (got < 0) return std::nullopt;
        if (!session_) {
            ++stats_.dropped;
            continue;
        }
        std::size_t n = static_cast<std::size_t>(got);
        if (srtpIn_ && !srtpIn_->unprotect(buf, n)) {
            ++stats_.dropped;  // counted by reason in srtpIn()->stats()
            continue;
        }
        return session_->receive(buf, n);
    }
}

}  // namespace vce::media
