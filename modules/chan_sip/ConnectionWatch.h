// chan_sip: the TCP or TLS connection a binding was registered over, watched. sofia-sip tells
// the clients pending on a connection when it fails; told also of an orderly close (the
// connection's own TPTAG_SDWN_ERROR), the watch runs `closed` once, on the SIP thread that
// owns the connection (the first: it serves every TCP and TLS connection).
#pragma once

#include <sofia-sip/nta_tport.h>
#include <sofia-sip/tport.h>

#include <functional>

namespace vce::sip {

class ConnectionWatch {
public:
    // Holds a reference to `connection` (one of sofia's secondary transports) until destroyed;
    // `closed` is never run after that.
    ConnectionWatch(tport_t *connection, std::function<void()> closed);
    ~ConnectionWatch();
    ConnectionWatch(const ConnectionWatch &) = delete;
    ConnectionWatch &operator=(const ConnectionWatch &) = delete;
    bool watching() const { return pending_ > 0; }

private:
    static void on_error(tp_stack_t *, tp_client_t *client, tport_t *, msg_t *, int error);
    tport_t *connection_ = nullptr;
    int pending_ = -1;  // tport_pend's handle
    bool fired_ = false;
    std::function<void()> closed_;
};

}  // namespace vce::sip
