// The short-message server of seed 004: framed terminals register and send on the framed port
// (TCP and UDP); the server asks the router for the callee and the location store for its
// addresses, and delivers. It is itself a terminal with a number of its own. Core thread only.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "modules/res_sms/EventHandles.h"
#include "modules/res_sms/Frame.h"
#include "modules/res_sms/SenderRate.h"
#include "modules/res_sms/SmsConfig.h"
#include "vce/Lifetime.h"
#include "vce/ShortMessages.h"

namespace vce {
class Host;
class RouteService;
class LocationService;
}  // namespace vce

namespace vce::sms {

struct SmsCounters {
    uint64_t frames = 0, invalid = 0, registrations = 0, auth_failed = 0, messages = 0,
             delivered = 0, refused = 0, stored = 0, rate_limited = 0;
};

class SmsServer : public FramedMessageSink {
public:
    SmsServer(Host &host, SmsConfig cfg, RouteService &router, LocationService &location);
    ~SmsServer() override;
    // Binds the framed port (TCP and UDP) and registers the server's own number; "" or why not.
    std::string start();
    std::string status() const;  // `sms show status`
    // FramedMessageSink: chan_sip's MESSAGE for a callee with framed terminals.
    void deliver(const ShortMessage &m, std::function<void(int status)> done) override;

private:
    // Where a frame came from and where its answers go: a TCP connection or a UDP address.
    struct Origin {
        uint64_t link = 0;  // TCP connection id; 0 for UDP
        sockaddr_storage addr{};
        socklen_t len = 0;
        std::string text;  // "ip:port"
    };
    struct Link;     // one TCP connection
    struct Session;  // what a terminal at an origin proved (its number) and was asked (nonce)
    struct Pending;  // a message out to the callee's terminals, awaiting their reports

    static void on_accept(evconnlistener *, int fd, sockaddr *sa, int len, void *arg);
    static void on_link_read(bufferevent *bev, void *arg);
    static void on_link_event(bufferevent *bev, short what, void *arg);
    static void on_udp(int fd, short, void *arg);
    static void on_refresh(int, short, void *arg);

    void close_link(uint64_t id);
    void on_frame(const Origin &from, Frame f);
    void on_register(const Origin &from, const Frame &f);
    void on_message(const Origin &from, const Frame &f);
    void on_report(const Origin &from, const Frame &f);
    void to_centre(const Origin &from, const Frame &f, const std::string &resource);
    // SmsDelivery.cpp: to every binding of m.to (framed ones only, or SIP phones too); `done`
    // runs once: delivered, or not with the reason.
    // Refused: every terminal said no (a framed REPORT refused, a SIP 4xx-6xx but 408/480);
    // Unreachable: no binding, or one did not answer in time (stored and tried again).
    enum class Result { Delivered, Refused, Unreachable };
    using Outcome = std::function<void(Result result, const std::string &reason)>;
    void dispatch(const ShortMessage &m, bool framed_only, Outcome done);
    void leg_done(const std::string &pending_id, Result result, const std::string &reason);
    // Offline: into queued_messages (durable), then REPORT stored (or refused) to the sender.
    void store(const ShortMessage &m, const Origin &sender, const std::string &sender_id,
               const std::string &why);
    // A framed terminal registered: what waits for it in queued_messages goes to it.
    void deliver_stored(const std::string &number, const Origin &to);
    static Frame message_frame(const ShortMessage &m, const std::string &id);
    // SmsRetry.cpp: every second, stored messages that expired (a REPORT expired to their
    // framed sender) and those due to be tried again while their callee is registered.
    static void on_store_tick(int, short, void *arg);
    void store_tick();
    void retry(const std::vector<std::optional<std::string>> &row);
    void stored_outcome(const std::string &qid, const std::string &report_to,
                        const std::string &report_id, Result result, const std::string &reason,
                        int attempts);
    // A REPORT to every framed terminal of `number` (a sender that is not on the line now).
    void report_to_number(const std::string &number, const std::string &id,
                          const std::string &status, const std::string &reason);
    void send(const Origin &to, const Frame &f);
    bool send_to_binding(const std::string &transport, const std::string &received, const Frame &f);
    void report(const Origin &to, const std::string &id, const std::string &status,
                const std::string &reason);
    void register_self();
    std::string session_key(const Origin &o) const;
    std::string new_nonce();

    Host &host_;
    SmsConfig cfg_;
    RouteService &router_;
    LocationService &location_;
    Limits limits_;
    ListenerPtr tcp_;
    int udp_fd_ = -1;
    EventPtr udp_ev_, refresh_ev_, store_ev_;
    bool store_busy_ = false;         // a tick's queries are still out
    std::set<std::string> retrying_;  // queued_messages ids out on a retry
    uint64_t next_link_ = 1, next_pending_ = 1;
    std::map<uint64_t, std::unique_ptr<Link>> links_;
    std::map<std::string, uint64_t> link_by_addr_;  // "ip:port" -> link
    std::map<std::string, std::unique_ptr<Session>> sessions_;
    std::map<std::string, std::unique_ptr<Pending>> pending_;
    SenderRate rate_;
    SmsCounters counters_;
    Lifetime life_;  // database and chan_sip callbacks do nothing once the server is gone
};

}  // namespace vce::sms
