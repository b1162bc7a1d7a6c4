// vced's own media relay: port pairs per party, latching, packets moved on the relay threads.
#include "daemon/media/MediaRelay.h"

#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <thread>

#include "daemon/media/MediaEndpoint.h"
#include "daemon/media/RtpLatch.h"
#include "daemon/media/RtpPacket.h"
#include "daemon/media/SdpRelayRewrite.h"
#include "vce/Log.h"
#include "vce/Threads.h"
#include "vce/WorkQueue.h"

namespace vce::media {
namespace {

constexpr int kBatch = 32;          // packets per recvmmsg/sendmmsg
constexpr std::size_t kMtu = 2048;  // larger datagrams are cut (and so fail SRTP at the phone)

uint32_t ip_of(const std::string &text) {
    in_addr a{};
    return inet_pton(AF_INET, text.c_str(), &a) == 1 ? ntohl(a.s_addr) : 0;
}

sockaddr_in sockaddr_of(const MediaAddr &a) {
    sockaddr_in s{};
    s.sin_family = AF_INET;
    s.sin_addr.s_addr = htonl(a.ip);
    s.sin_port = htons(a.port);
    return s;
}

int index_of(MediaSide s) {
    return s == MediaSide::Caller ? 0 : 1;
}

}  // namespace

// One socket of a call, as epoll names it.
struct RelaySocket {
    MediaRelay::Call *call = nullptr;
    int side = 0;
    bool rtcp = false;
};

struct MediaRelay::Call {
    std::string id;
    struct Leg {
        std::unique_ptr<UdpSocket> rtp, rtcp;
        RtpLatch latch;
        MediaAddr rtcp_from;  // where the party's RTCP came from (port 0: none yet)
        std::shared_ptr<RelayLegFigures> figures;
        RelaySocket tag_rtp, tag_rtcp;
    } legs[2];
    std::vector<uint16_t> ports() const { return {legs[0].rtp->port(), legs[1].rtp->port()}; }
};

struct MediaRelay::Worker {
    MediaRelay *relay = nullptr;
    unsigned index = 0;
    int epfd = -1;
    WorkQueue queue;
    std::atomic<bool> stopping{false};
    std::unordered_map<std::string, std::shared_ptr<Call>> calls;  // relay thread only
    std::thread thread;

    // Buffers of one batch (relay thread only).
    uint8_t bufs[kBatch][kMtu];
    mmsghdr in[kBatch], out[kBatch];
    iovec iov_in[kBatch], iov_out[kBatch];
    sockaddr_in from[kBatch], to[kBatch];

    ~Worker() {
        calls.clear();
        if (epfd >= 0) ::close(epfd);
    }

    void watch(RelaySocket &tag, int fd) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.ptr = &tag;
        epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
    }

    void add(const std::shared_ptr<Call> &c) {
        for (int s = 0; s < 2; ++s) {
            Call::Leg &l = c->legs[s];
            l.tag_rtp = {c.get(), s, false};
            l.tag_rtcp = {c.get(), s, true};
            watch(l.tag_rtp, l.rtp->fd());
            watch(l.tag_rtcp, l.rtcp->fd());
        }
        calls[c->id] = c;
    }

    void resignal(const std::string &id, int side, const LatchPolicy &p) {
        auto it = calls.find(id);
        if (it == calls.end()) return;
        Call::Leg &l = it->second->legs[side];
        l.latch.resignal(p);
        l.figures->latched = l.latch.latched().has_value();
    }

    void remove(const std::string &id) {
        auto it = calls.find(id);
        if (it == calls.end()) return;
        const std::vector<uint16_t> ports = it->second->ports();
        const RelayLegFigures &a = *it->second->legs[0].figures, &b = *it->second->legs[1].figures;
        VCE_LOG_INFO(
            "media relay: call %s ended: caller %lu packets (%lu relayed, %lu stray dropped), "
            "callee %lu packets (%lu relayed, %lu stray dropped)",
            id.c_str(), (unsigned long)a.received, (unsigned long)a.forwarded,
            (unsigned long)a.strays, (unsigned long)b.received, (unsigned long)b.forwarded,
            (unsigned long)b.strays);
        calls.erase(it);  // closes the sockets (epoll forgets them)
        relay->give_back(ports);
    }

    void run() {
        threads::enter("media-relay-" + std::to_string(index));
        epoll_event evs[64];
        while (!stopping) {
            const int n = epoll_wait(epfd, evs, 64, 1000);
            bool work = false;
            for (int i = 0; i < n; ++i) {
                if (evs[i].data.ptr == nullptr) {
                    work = true;  // after the batch: work may close sockets named in it
                    continue;
                }
                receive(*static_cast<RelaySocket *>(evs[i].data.ptr));
            }
            if (work) queue.drain();
        }
        threads::leave();
    }

    void receive(const RelaySocket &tag) {
        Call &c = *tag.call;
        Call::Leg &me = c.legs[tag.side], &other = c.legs[1 - tag.side];
        UdpSocket &sock = tag.rtcp ? *me.rtcp : *me.rtp;
        for (int i = 0; i < kBatch; ++i) {
            iov_in[i] = {bufs[i], kMtu};
            in[i] = {};
            in[i].msg_hdr.msg_iov = &iov_in[i];
            in[i].msg_hdr.msg_iovlen = 1;
            in[i].msg_hdr.msg_name = &from[i];
            in[i].msg_hdr.msg_namelen = sizeof from[i];
        }
        const int n = recvmmsg(sock.fd(), in, kBatch, MSG_DONTWAIT, nullptr);
        if (n <= 0) return;
        int m = 0;
        for (int i = 0; i < n; ++i) {
            const MediaAddr src{ntohl(from[i].sin_addr.s_addr), ntohs(from[i].sin_port)};
            MediaAddr dest;
            if (tag.rtcp) {
                // RTCP is believed from the address the party's RTP is latched to.
                const std::optional<MediaAddr> rtp = me.latch.latched();
                if (!rtp || rtp->ip != src.ip) continue;
                me.rtcp_from = src;
                dest = other.rtcp_from;
                if (dest.port == 0) {
                    dest = other.latch.send_to();
                    if (dest.port != 0) ++dest.port;
                }
                if (dest.port != 0) ++me.figures->rtcp;
            } else {
                ++me.figures->received;
                std::optional<RtpLatch::RtpIds> ids;
                if (auto v = parseRtp(bufs[i], in[i].msg_len))
                    ids = RtpLatch::RtpIds{v->header.ssrc, v->header.sequence};
                const LatchVerdict verdict = me.latch.packet(src, ids);
                if (verdict == LatchVerdict::Stray) {
                    ++me.figures->strays;
                    continue;
                }
                if (verdict == LatchVerdict::Probation) {
                    ++me.figures->probation;
                    continue;
                }
                me.figures->latched = true;
                dest = other.latch.send_to();
                if (dest.port != 0) ++me.figures->forwarded;
            }
            if (dest.port == 0) continue;
            to[m] = sockaddr_of(dest);
            iov_out[m] = {bufs[i], in[i].msg_len};
            out[m] = {};
            out[m].msg_hdr.msg_iov = &iov_out[m];
            out[m].msg_hdr.msg_iovlen = 1;
            out[m].msg_hdr.msg_name = &to[m];
            out[m].msg_hdr.msg_namelen = sizeof to[m];
            ++m;
        }
        if (m > 0) sendmmsg(tag.rtcp ? other.rtcp->fd() : other.rtp->fd(), out, m, MSG_DONTWAIT);
    }
};

MediaRelay::MediaRelay(RelaySettings s)
    : settings_(std::move(s)),
      advertise_(settings_.advertise.empty() ? settings_.bind_address : settings_.advertise),
      ports_(settings_.port_first, settings_.port_last) {
    if (!ip_of(settings_.bind_address) || !ip_of(advertise_))
        throw std::runtime_error("media relay: '" + settings_.bind_address + "' / '" + advertise_ +
                                 "' is not an IPv4 address");
    const unsigned n = settings_.threads ? settings_.threads : 1;
    for (unsigned i = 0; i < n; ++i) {
        auto w = std::make_unique<Worker>();
        w->relay = this;
        w->index = i;
        w->epfd = epoll_create1(EPOLL_CLOEXEC);
        if (w->epfd < 0)
            throw std::runtime_error(std::string("media relay: epoll: ") + std::strerror(errno));
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.ptr = nullptr;  // the work queue
        epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->queue.fd(), &ev);
        workers_.push_back(std::move(w));
    }
    for (auto &w : workers_) w->thread = std::thread([p = w.get()] { p->run(); });
}

MediaRelay::~MediaRelay() {
    for (auto &w : workers_) {
        w->stopping = true;
        w->queue.post([] {});  // wakes epoll_wait
    }
    for (auto &w : workers_) {
        if (w->thread.joinable()) w->thread.join();
        w->queue.close();
    }
    workers_.clear();  // closes every call's sockets
}

void MediaRelay::offer(MediaRequest req, MediaDone done) {
    done(update(req));
}

void MediaRelay::answer(MediaRequest req, MediaDone done) {
    done(update(req));
}

MediaResult MediaRelay::update(const MediaRequest &req) {
    MediaResult res;
    // The SDP is checked before any port is taken for it.
    const SdpRelayRewrite check = rewriteSdpForRelay(req.sdp, advertise_, 2);
    if (check.status != 200) {
        res.status = check.status;
        res.reason = check.reason;
        return res;
    }
    const int side = index_of(req.side);
    std::unique_lock<std::mutex> lock(mutex_);
    auto it = calls_.find(req.call_id);
    if (it == calls_.end()) {
        auto c = std::make_shared<Call>();
        c->id = req.call_id;
        Entry e;
        e.worker = static_cast<unsigned>(std::hash<std::string>()(req.call_id) % workers_.size());
        std::vector<uint16_t> taken;
        for (int s = 0; s < 2; ++s) {
            // A port another program holds is skipped (and tried again on a later round).
            for (std::size_t tries = 0; !c->legs[s].rtp && tries < ports_.capacity(); ++tries) {
                const std::optional<uint16_t> p = ports_.take();
                if (!p) break;
                try {
                    auto rtp = std::make_unique<UdpSocket>(settings_.bind_address, *p);
                    auto rtcp = std::make_unique<UdpSocket>(settings_.bind_address, *p + 1);
                    c->legs[s].rtp = std::move(rtp);
                    c->legs[s].rtcp = std::move(rtcp);
                    taken.push_back(*p);
                } catch (const std::runtime_error &) {
                    ports_.give(*p);
                }
            }
            if (!c->legs[s].rtp) {
                for (uint16_t p : taken) ports_.give(p);
                res.status = 503;
                res.reason = "the media relay has no free ports (" +
                             std::to_string(ports_.in_use()) + " pairs in use)";
                return res;
            }
            c->legs[s].figures = std::make_shared<RelayLegFigures>();
            e.port[s] = c->legs[s].rtp->port();
            e.figures[s] = c->legs[s].figures;
        }
        Worker *w = workers_[e.worker].get();
        if (!w->queue.post([w, c] { w->add(c); })) {
            for (uint16_t p : taken) ports_.give(p);
            res.status = 503;
            res.reason = "the media relay is stopping";
            return res;
        }
        it = calls_.emplace(req.call_id, std::move(e)).first;
    }
    const Entry e = it->second;
    lock.unlock();
    // The party receives its peer's media at the port pair that faces it.
    const SdpRelayRewrite r = rewriteSdpForRelay(req.sdp, advertise_, e.port[1 - side]);
    LatchPolicy p;
    p.signalled = {ip_of(r.address), r.port};
    p.natted = req.natted;
    p.source_ip = ip_of(req.source_ip);
    Worker *w = workers_[e.worker].get();
    w->queue.post([w, id = req.call_id, side, p] { w->resignal(id, side, p); });
    res.sdp = r.sdp;
    return res;
}

void MediaRelay::release(const std::string &call_id) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = calls_.find(call_id);
    if (it == calls_.end()) return;
    Worker *w = workers_[it->second.worker].get();
    calls_.erase(it);
    // The ports come back (give_back) once the relay thread has closed their sockets.
    w->queue.post([w, call_id] { w->remove(call_id); });
}

void MediaRelay::give_back(const std::vector<uint16_t> &ports) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (uint16_t p : ports) ports_.give(p);
}

std::optional<MediaRelay::CallView> MediaRelay::call(const std::string &call_id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = calls_.find(call_id);
    if (it == calls_.end()) return std::nullopt;
    CallView v;
    v.caller_port = it->second.port[0];
    v.callee_port = it->second.port[1];
    v.caller = it->second.figures[0];
    v.callee = it->second.figures[1];
    return v;
}

std::size_t MediaRelay::calls() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_.size();
}

std::size_t MediaRelay::ports_in_use() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return ports_.in_use();
}

}  // namespace vce::media
