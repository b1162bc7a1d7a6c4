// The virtual TDM backend: channels as AF_UNIX SOCK_SEQPACKET sockets speaking SpanWire.h.
#include "spandsp_glue/VirtualSpan.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "spandsp_glue/SpanWire.h"

namespace vce::dsp {
namespace {

std::runtime_error sysError(const std::string &what) {
    return std::runtime_error(what + ": " + std::strerror(errno));
}

void setNonBlocking(int fd) {
    const int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

sockaddr_un unixAddress(const std::string &path) {
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    if (path.size() >= sizeof a.sun_path)
        throw std::runtime_error("virtual span: socket path too long (max " +
                                 std::to_string(sizeof a.sun_path - 1) + "): " + path);
    std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
    return a;
}

// Waits for one datagram on fd; returns its length, or -1 on timeout/error/close.
ssize_t recvWithin(int fd, uint8_t *buf, std::size_t cap, int timeoutMs) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, timeoutMs) <= 0) return -1;
    const ssize_t n = recv(fd, buf, cap, MSG_DONTWAIT);
    return n > 0 ? n : -1;
}

}  // namespace

UniqueFd &UniqueFd::operator=(UniqueFd &&o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = o.release();
    }
    return *this;
}

UniqueFd::~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
}

VirtualChannel::VirtualChannel(UniqueFd fd, int number, Law law, ChannelRole role)
    : fd_(std::move(fd)), number_(number), law_(law), role_(role) {
    setNonBlocking(fd_.get());
}

std::pair<std::unique_ptr<VirtualChannel>, std::unique_ptr<VirtualChannel>> VirtualChannel::pair(
    int number, Law law, ChannelRole role) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        throw sysError("virtual channel: socketpair");
    const ChannelRole far = role == ChannelRole::Fxs ? ChannelRole::Fxo : ChannelRole::Fxs;
    return {std::make_unique<VirtualChannel>(UniqueFd(sv[0]), number, law, role),
            std::make_unique<VirtualChannel>(UniqueFd(sv[1]), number, law, far)};
}

std::unique_ptr<VirtualChannel> VirtualChannel::connect(const std::string &path, int number,
                                                        Law law, int timeoutMs) {
    UniqueFd fd(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
    if (!fd) throw sysError("virtual channel: socket");
    const sockaddr_un a = unixAddress(path);
    if (::connect(fd.get(), reinterpret_cast<const sockaddr *>(&a), sizeof a) != 0)
        throw sysError("virtual channel " + std::to_string(number) + ": connect " + path);
    uint8_t buf[wire::kMaxMessage];
    const std::size_t n =
        wire::encodeHello(buf, static_cast<uint16_t>(number), law, ChannelRole::Fxs);
    if (send(fd.get(), buf, n, MSG_NOSIGNAL) != static_cast<ssize_t>(n))
        throw sysError("virtual channel " + std::to_string(number) + ": send HELLO to " + path);
    const ssize_t got = recvWithin(fd.get(), buf, sizeof buf, timeoutMs);
    const auto m = got > 0 ? wire::decode(buf, static_cast<std::size_t>(got)) : std::nullopt;
    if (!m || m->type != wire::Type::Hello || m->channel != number)
        throw std::runtime_error("virtual channel " + std::to_string(number) + ": " + path +
                                 " refused the channel (unknown, taken, or no HELLO within " +
                                 std::to_string(timeoutMs) + " ms)");
    // We are the far end: the opposite role of vced's side.
    const ChannelRole far = m->role == ChannelRole::Fxs ? ChannelRole::Fxo : ChannelRole::Fxs;
    return std::make_unique<VirtualChannel>(std::move(fd), number, m->law, far);
}

short VirtualChannel::pollEvents() const {
    return POLLIN;
}

TdmChannel::ReadStatus VirtualChannel::read(uint8_t *frame, std::size_t cap, std::size_t &len,
                                            TdmEvent &event) {
    uint8_t buf[wire::kMaxMessage];
    for (;;) {
        const ssize_t n = recv(fd_.get(), buf, sizeof buf, MSG_DONTWAIT);
        if (n == 0) return ReadStatus::Closed;
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return ReadStatus::Again;
            return errno == ECONNRESET ? ReadStatus::Closed : ReadStatus::Error;
        }
        const auto m = wire::decode(buf, static_cast<std::size_t>(n));
        if (!m || m->type == wire::Type::Hello) continue;  // ignore noise and repeated HELLOs
        if (m->type == wire::Type::Event) {
            event = m->event;
            return ReadStatus::Event;
        }
        len = std::min(cap, m->audioLen);
        std::memcpy(frame, m->audio, len);
        return ReadStatus::Audio;
    }
}

bool VirtualChannel::writeAudio(const uint8_t *frame, std::size_t len) {
    uint8_t buf[wire::kMaxMessage];
    const std::size_t n = wire::encodeAudio(buf, static_cast<uint16_t>(number_), frame, len);
    return send(fd_.get(), buf, n, MSG_DONTWAIT | MSG_NOSIGNAL) == static_cast<ssize_t>(n);
}

bool VirtualChannel::signal(TdmEvent event) {
    uint8_t buf[wire::kMaxMessage];
    const std::size_t n = wire::encodeEvent(buf, static_cast<uint16_t>(number_), event);
    return send(fd_.get(), buf, n, MSG_DONTWAIT | MSG_NOSIGNAL) == static_cast<ssize_t>(n);
}

VirtualSpan::VirtualSpan(const std::string &path, int channels, Law law, ChannelRole role)
    : path_(path), law_(law), role_(role), slots_(static_cast<std::size_t>(std::max(channels, 0))) {
    const sockaddr_un a = unixAddress(path);
    listen_ = UniqueFd(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
    if (!listen_) throw sysError("virtual span: socket");
    ::unlink(path.c_str());
    if (bind(listen_.get(), reinterpret_cast<const sockaddr *>(&a), sizeof a) != 0)
        throw sysError("virtual span: bind " + path);
    if (listen(listen_.get(), 64) != 0) throw sysError("virtual span: listen " + path);
    setNonBlocking(listen_.get());
}

VirtualSpan::~VirtualSpan() {
    ::unlink(path_.c_str());
}

std::vector<int> VirtualSpan::service(int helloTimeoutMs) {
    std::vector<int> attached;
    for (;;) {
        UniqueFd c(accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (!c) break;
        uint8_t buf[wire::kMaxMessage];
        const ssize_t n = recvWithin(c.get(), buf, sizeof buf, helloTimeoutMs);
        const auto m = n > 0 ? wire::decode(buf, static_cast<std::size_t>(n)) : std::nullopt;
        if (!m || m->type != wire::Type::Hello || m->channel < 1 || m->channel > slots_.size() ||
            slots_[m->channel - 1])
            continue;  // refused: closing the socket tells the far end
        const std::size_t r = wire::encodeHello(buf, m->channel, law_, role_);
        if (send(c.get(), buf, r, MSG_NOSIGNAL) != static_cast<ssize_t>(r)) continue;
        slots_[m->channel - 1] =
            std::make_unique<VirtualChannel>(std::move(c), m->channel, law_, role_);
        attached.push_back(m->channel);
    }
    return attached;
}

VirtualChannel *VirtualSpan::channel(int number) {
    if (number < 1 || number > channels()) return nullptr;
    return slots_[static_cast<std::size_t>(number - 1)].get();
}

void VirtualSpan::detach(int number) {
    if (number >= 1 && number <= channels()) slots_[static_cast<std::size_t>(number - 1)].reset();
}

}  // namespace vce::dsp
