// The virtual TDM backend: channels as AF_UNIX SOCK_SEQPACKET sockets speaking SpanWire.h,
// either socket pairs in one process (tests) or a listening socket per span that another
// process (the PSTN simulator) connects to, one connection per channel.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "spandsp_glue/TdmChannel.h"

namespace vce::dsp {

class VirtualChannel;  // one end of a virtual channel
class VirtualSpan;     // vced's side of a virtual span: a listening socket and its channels

// A unique file descriptor (closed on destruction).
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd &&o) noexcept : fd_(o.release()) {}
    UniqueFd &operator=(UniqueFd &&o) noexcept;
    UniqueFd(const UniqueFd &) = delete;
    UniqueFd &operator=(const UniqueFd &) = delete;
    ~UniqueFd();
    int get() const { return fd_; }
    int release() {
        int f = fd_;
        fd_ = -1;
        return f;
    }
    explicit operator bool() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

class VirtualChannel : public TdmChannel {
public:
    VirtualChannel(UniqueFd fd, int number, Law law, ChannelRole role);
    // Two connected ends in this process: first is the box side (role), second the far end.
    static std::pair<std::unique_ptr<VirtualChannel>, std::unique_ptr<VirtualChannel>> pair(
        int number, Law law, ChannelRole role);
    // The far end of channel `number` of the span listening at `path`: connects, says HELLO and
    // waits (up to timeoutMs) for vced's HELLO. Throws std::runtime_error if refused.
    static std::unique_ptr<VirtualChannel> connect(const std::string &path, int number, Law law,
                                                   int timeoutMs = 2000);

    int fd() const override { return fd_.get(); }
    short pollEvents() const override;
    int number() const override { return number_; }
    Law law() const override { return law_; }
    ChannelRole role() const override { return role_; }
    ReadStatus read(uint8_t *frame, std::size_t cap, std::size_t &len, TdmEvent &event) override;
    bool writeAudio(const uint8_t *frame, std::size_t len) override;
    bool signal(TdmEvent event) override;

private:
    UniqueFd fd_;
    int number_;
    Law law_;
    ChannelRole role_;
};

class VirtualSpan {
public:
    // Listens on `path` (an existing socket file is replaced) for `channels` channels.
    VirtualSpan(const std::string &path, int channels, Law law, ChannelRole role);
    ~VirtualSpan();
    VirtualSpan(const VirtualSpan &) = delete;
    VirtualSpan &operator=(const VirtualSpan &) = delete;

    int fd() const { return listen_.get(); }  // poll for POLLIN, then call service()
    // Accepts pending connections and completes their HELLO; returns channels newly attached.
    std::vector<int> service(int helloTimeoutMs = 1000);
    // The channel, or nullptr while no far end is attached to it.
    VirtualChannel *channel(int number);
    // Forget a channel whose far end went away (read() returned Closed).
    void detach(int number);
    int channels() const { return static_cast<int>(slots_.size()); }
    const std::string &path() const { return path_; }

private:
    std::string path_;
    Law law_;
    ChannelRole role_;
    UniqueFd listen_;
    std::vector<std::unique_ptr<VirtualChannel>> slots_;
};

}  // namespace vce::dsp
