// The short-message server on the core thread: the framed port's TCP connections and UDP
// socket, framed registration with digest, routing through the router and the location
// store, delivery to framed terminals and the reports back to the sender.
#include "modules/res_sms/SmsServer.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <sstream>
#include <vector>

#include "modules/res_sms/Digest.h"
#include "modules/res_sms/SmsServerParts.h"
#include "vce/Host.h"
#include "vce/LocationService.h"
#include "vce/Log.h"
#include "vce/RouteService.h"

namespace vce::sms {

namespace {

constexpr const char *kServerTerminal = "vce-sms-server";

std::string addr_text(const sockaddr *sa) {
    char ip[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (sa->sa_family == AF_INET) {
        auto *in = reinterpret_cast<const sockaddr_in *>(sa);
        inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
        port = ntohs(in->sin_port);
    } else if (sa->sa_family == AF_INET6) {
        auto *in = reinterpret_cast<const sockaddr_in6 *>(sa);
        inet_ntop(AF_INET6, &in->sin6_addr, ip, sizeof ip);
        port = ntohs(in->sin6_port);
    }
    return std::string(ip) + ":" + std::to_string(port);
}

}  // namespace

SmsServer::SmsServer(Host &host, SmsConfig cfg, RouteService &router, LocationService &location)
    : host_(host),
      cfg_(std::move(cfg)),
      router_(router),
      location_(location),
      rate_(cfg_.sender_rate) {
    limits_.max_body = cfg_.max_body;
}

SmsServer::~SmsServer() {
    life_.end();
    // Every delivery in progress ends now (a framed sender's message is stored; chan_sip's
    // MESSAGE is answered), then timers and connections go; bindings leave the store.
    while (!pending_.empty()) {
        pending_.begin()->second->legs = 1;
        leg_done(pending_.begin()->first, Result::Unreachable, "the server is stopping");
    }
    for (auto &[key, s] : sessions_)
        if (s->bound) location_.unbind(s->number, s->terminal_id);
    sessions_.clear();
    links_.clear();
    if (!cfg_.number.empty()) location_.unbind(cfg_.number, kServerTerminal);
    udp_ev_.reset();
    if (udp_fd_ >= 0) close(udp_fd_);
}

std::string SmsServer::start() {
    sockaddr_storage ss{};
    int sslen = sizeof ss;
    std::string where = cfg_.bind_ip + ":" + std::to_string(cfg_.port);
    if (evutil_parse_sockaddr_port(where.c_str(), reinterpret_cast<sockaddr *>(&ss), &sslen) != 0)
        return "res_sms.conf: bind_ip " + cfg_.bind_ip + " is not an IP address";
    auto *sa = reinterpret_cast<sockaddr *>(&ss);
    tcp_.reset(evconnlistener_new_bind(host_.loop(), &SmsServer::on_accept, this,
                                       LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 128, sa, sslen));
    if (!tcp_) return "cannot listen on TCP " + where + ": " + strerror(errno);
    udp_fd_ = socket(sa->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (udp_fd_ < 0 || bind(udp_fd_, sa, sslen) != 0)
        return "cannot bind UDP " + where + ": " + strerror(errno);
    int big = 1 << 20;
    setsockopt(udp_fd_, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    udp_ev_.reset(event_new(host_.loop(), udp_fd_, EV_READ | EV_PERSIST, &SmsServer::on_udp, this));
    event_add(udp_ev_.get(), nullptr);
    if (!cfg_.number.empty()) {
        refresh_ev_.reset(event_new(host_.loop(), -1, EV_PERSIST, &SmsServer::on_refresh, this));
        timeval every{cfg_.register_seconds / 2, 0};
        event_add(refresh_ev_.get(), &every);
        register_self();
    }
    store_ev_.reset(event_new(host_.loop(), -1, EV_PERSIST, &SmsServer::on_store_tick, this));
    timeval second{1, 0};
    event_add(store_ev_.get(), &second);
    VCE_LOG_NOTICE("SMS: framed short messages on %s (TCP and UDP)%s%s", where.c_str(),
                   cfg_.number.empty() ? "" : ", registered as ", cfg_.number.c_str());
    return "";
}

// The server is a terminal like any phone: a binding of its own number in the location store.
void SmsServer::register_self() {
    TerminalBinding b;
    b.aor = cfg_.number;
    b.terminal_id = kServerTerminal;
    b.contact = "vsms:" + cfg_.number + "@" + cfg_.bind_ip + ":" + std::to_string(cfg_.port);
    b.received = cfg_.bind_ip + ":" + std::to_string(cfg_.port);
    b.transport = "vsms-tcp";
    b.user_agent = "vce short-message server";
    b.expires_at = time(nullptr) + cfg_.register_seconds;
    location_.bind(b);
}

void SmsServer::on_refresh(int, short, void *arg) {
    static_cast<SmsServer *>(arg)->register_self();
}

void SmsServer::on_accept(evconnlistener *, int fd, sockaddr *sa, int len, void *arg) {
    auto *self = static_cast<SmsServer *>(arg);
    auto link = std::make_unique<Link>();
    link->server = self;
    link->id = self->next_link_++;
    link->origin.link = link->id;
    memcpy(&link->origin.addr, sa, std::min<size_t>(len, sizeof link->origin.addr));
    link->origin.len = len;
    link->origin.text = addr_text(sa);
    link->bev.reset(bufferevent_socket_new(self->host_.loop(), fd, BEV_OPT_CLOSE_ON_FREE));
    if (!link->bev) {
        close(fd);
        return;
    }
    bufferevent_setcb(link->bev.get(), &SmsServer::on_link_read, nullptr, &SmsServer::on_link_event,
                      link.get());
    bufferevent_enable(link->bev.get(), EV_READ);
    self->link_by_addr_[link->origin.text] = link->id;
    self->links_[link->id] = std::move(link);
}

void SmsServer::on_link_read(bufferevent *bev, void *arg) {
    auto *link = static_cast<Link *>(arg);
    SmsServer *self = link->server;
    const uint64_t id = link->id;
    evbuffer *in = bufferevent_get_input(bev);
    while (self->links_.count(id)) {  // a frame's handling may close this very link
        size_t have = evbuffer_get_length(in);
        if (have == 0) return;
        auto *data = reinterpret_cast<const char *>(evbuffer_pullup(in, -1));
        ParseResult r = parse(std::string_view(data, have), Framing::Stream, self->limits_);
        if (r.state == ParseResult::Incomplete) return;
        evbuffer_drain(in, r.consumed);
        Origin from = link->origin;
        ++self->counters_.frames;
        if (r.state == ParseResult::Invalid) {
            ++self->counters_.invalid;
            self->send(from, error_frame(r.code, r.reason, r.id));
            continue;
        }
        self->on_frame(from, std::move(r.frame));
    }
}

void SmsServer::on_link_event(bufferevent *, short what, void *arg) {
    auto *link = static_cast<Link *>(arg);
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) link->server->close_link(link->id);
}

// A terminal that registered over this connection is gone with it.
void SmsServer::close_link(uint64_t id) {
    auto it = links_.find(id);
    if (it == links_.end()) return;
    Origin o = it->second->origin;
    auto s = sessions_.find(session_key(o));
    if (s != sessions_.end()) {
        if (s->second->bound) location_.unbind(s->second->number, s->second->terminal_id);
        sessions_.erase(s);
    }
    link_by_addr_.erase(o.text);
    links_.erase(it);
}

void SmsServer::on_udp(int fd, short, void *arg) {
    auto *self = static_cast<SmsServer *>(arg);
    static thread_local std::vector<char> buf(1 << 17);
    for (int i = 0; i < 64; ++i) {  // a burst at a time, then let the loop breathe
        Origin from;
        from.len = sizeof from.addr;
        ssize_t n = recvfrom(fd, buf.data(), buf.size(), 0,
                             reinterpret_cast<sockaddr *>(&from.addr), &from.len);
        if (n < 0) return;
        from.text = addr_text(reinterpret_cast<sockaddr *>(&from.addr));
        ++self->counters_.frames;
        ParseResult r = parse(std::string_view(buf.data(), n), Framing::Datagram, self->limits_);
        if (r.state != ParseResult::Complete) {
            ++self->counters_.invalid;
            self->send(from, error_frame(r.code, r.reason, r.id));
            continue;
        }
        self->on_frame(from, std::move(r.frame));
    }
}

std::string SmsServer::session_key(const Origin &o) const {
    return o.link ? "tcp/" + std::to_string(o.link) : "udp/" + o.text;
}

std::string SmsServer::new_nonce() {
    unsigned char raw[16] = {};
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void)!read(fd, raw, sizeof raw);
        close(fd);
    }
    std::string s;
    for (unsigned char c : raw) s += "0123456789abcdef"[c >> 4], s += "0123456789abcdef"[c & 15];
    return s;
}

void SmsServer::send(const Origin &to, const Frame &f) {
    std::string wire = encode(f);
    if (to.link) {
        auto it = links_.find(to.link);
        if (it != links_.end()) bufferevent_write(it->second->bev.get(), wire.data(), wire.size());
        return;
    }
    (void)!sendto(udp_fd_, wire.data(), wire.size(), 0,
                  reinterpret_cast<const sockaddr *>(&to.addr), to.len);
}

void SmsServer::report(const Origin &to, const std::string &id, const std::string &status,
                       const std::string &reason) {
    Frame f;
    f.kind = Kind::Report;
    f.id = id;
    f.status = status;
    f.reason = reason;
    send(to, f);
}

void SmsServer::on_frame(const Origin &from, Frame f) {
    switch (f.kind) {
        case Kind::Register:
            return on_register(from, f);
        case Kind::Message:
            return on_message(from, f);
        case Kind::Report:
            return on_report(from, f);
        case Kind::Error:  // a terminal refusing our frame: the pending delivery's timer decides
            return;
        default:
            return send(from, error_frame("400", std::string(kind_name(f.kind)) +
                                                     " is sent by the server, not to it"));
    }
}

// REGISTER without a digest gets a CHALLENGE; with one, the binding (or, Expires: 0, none:
// the origin may still send). The password never crosses the wire.
void SmsServer::on_register(const Origin &from, const Frame &f) {
    auto &slot = sessions_[session_key(from)];
    if (!slot) slot = std::make_unique<Session>();
    Session &s = *slot;
    std::optional<AccountAuth> acct = router_.account(f.number);
    if (f.nonce.empty()) {
        s.nonce = new_nonce();
        Frame c;
        c.kind = Kind::Challenge;
        c.number = f.number;
        c.realm = acct ? acct->realm : "vce";
        c.nonce = s.nonce;
        return send(from, c);
    }
    bool ok = acct && !s.nonce.empty() && f.nonce == s.nonce &&
              f.response == digest_response(acct->ha1_md5, f.nonce, f.number);
    s.nonce.clear();  // a nonce answers one REGISTER
    if (!ok) {
        ++counters_.auth_failed;
        VCE_LOG_NOTICE("SECURITY event=sms_auth_failed number=%s from=%s", f.number.c_str(),
                       from.text.c_str());
        return send(from, error_frame("403", "wrong number or password"));
    }
    ++counters_.registrations;
    if (s.bound && (s.number != f.number)) location_.unbind(s.number, s.terminal_id);
    s.number = f.number;
    s.terminal_id = f.terminal.empty() ? "vsms-" + from.text : f.terminal;
    int expires = std::min(std::stoi(f.expires), cfg_.max_expires);
    if (expires > 0) {
        TerminalBinding b;
        b.aor = f.number;
        b.terminal_id = s.terminal_id;
        b.contact = "vsms:" + f.number + "@" + from.text;
        b.received = from.text;
        b.transport = from.link ? "vsms-tcp" : "vsms-udp";
        b.user_agent = "framed terminal";
        b.expires_at = time(nullptr) + expires;
        location_.bind(b);
        s.bound = true;
    } else if (s.bound) {
        location_.unbind(s.number, s.terminal_id);
        s.bound = false;
    }
    Frame ok_frame;
    ok_frame.kind = Kind::Registered;
    ok_frame.number = f.number;
    ok_frame.expires = std::to_string(expires);
    send(from, ok_frame);
    if (expires > 0) deliver_stored(f.number, from);
}

std::string SmsServer::status() const {
    std::ostringstream o;
    o << "framed port " << cfg_.bind_ip << ":" << cfg_.port << " (TCP, UDP)\n"
      << "server number " << (cfg_.number.empty() ? "(none)" : cfg_.number) << "\n"
      << "connections " << links_.size() << ", sessions " << sessions_.size()
      << ", deliveries in progress " << pending_.size() << "\n"
      << "frames " << counters_.frames << ", invalid " << counters_.invalid << ", registrations "
      << counters_.registrations << ", failed digests " << counters_.auth_failed << "\n"
      << "messages " << counters_.messages << ", delivered " << counters_.delivered << ", refused "
      << counters_.refused << ", stored " << counters_.stored << ", rate-limited "
      << counters_.rate_limited << "\n";
    return o.str();
}

}  // namespace vce::sms
