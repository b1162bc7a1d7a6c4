// vced's own media relay: anchors the RTP and RTCP of a call at two port pairs of this host,
// one facing each party, latched symmetrically (RtpLatch). Packets are moved by the relay's
// own threads (an epoll loop each, recvmmsg/sendmmsg); the SIP threads only call the
// MediaRelayService methods, which take their ports under a lock and hand the rest to the
// call's relay thread by value. Errors: the constructor throws std::runtime_error
// (bad address, empty port range); offer/answer answer 400/488 (SDP) or 503 (no ports).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "daemon/media/PortRange.h"
#include "vce/MediaRelayService.h"

namespace vce::media {

struct RelaySettings {
    std::string bind_address = "127.0.0.1";  // where the relay's sockets listen
    std::string advertise;                   // the address the SDP names ("": bind_address)
    uint16_t port_first = 10000, port_last = 20000;
    unsigned threads = 1;
};

// What one party's port pair has seen (atomics: read from any thread while the relay runs).
struct RelayLegFigures {
    std::atomic<uint64_t> received{0};   // RTP packets that arrived
    std::atomic<uint64_t> forwarded{0};  // of those, sent on to the other party
    std::atomic<uint64_t> strays{0};     // dropped: from an address that is not the party's
    std::atomic<uint64_t> probation{0};  // dropped while a NAT'd stream proved itself
    std::atomic<uint64_t> rtcp{0};       // RTCP packets relayed
    std::atomic<bool> latched{false};
};

class MediaRelay : public MediaRelayService {
public:
    explicit MediaRelay(RelaySettings s);
    ~MediaRelay() override;  // stops the relay threads; every call's ports are freed
    MediaRelay(const MediaRelay &) = delete;
    MediaRelay &operator=(const MediaRelay &) = delete;

    void offer(MediaRequest req, MediaDone done) override;
    void answer(MediaRequest req, MediaDone done) override;
    void release(const std::string &call_id) override;

    // Any thread: the ports of a call (caller's, callee's RTP port) and its figures.
    struct CallView {
        uint16_t caller_port = 0, callee_port = 0;
        std::shared_ptr<const RelayLegFigures> caller, callee;
    };
    std::optional<CallView> call(const std::string &call_id) const;
    std::size_t calls() const;
    std::size_t ports_in_use() const;  // RTP/RTCP pairs, freed once a released call is closed
    const std::string &address() const { return advertise_; }

    struct Worker;  // one relay thread (MediaRelay.cpp)
    struct Call;    // a call's sockets and latches, owned by its relay thread

private:
    MediaResult update(const MediaRequest &req);
    void give_back(const std::vector<uint16_t> &ports);

    RelaySettings settings_;
    std::string advertise_;
    mutable std::mutex mutex_;
    PortRange ports_;  // guarded by mutex_
    struct Entry {
        unsigned worker = 0;
        uint16_t port[2] = {0, 0};  // by MediaSide
        std::shared_ptr<RelayLegFigures> figures[2];
    };
    std::unordered_map<std::string, Entry> calls_;  // guarded by mutex_
    std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace vce::media
