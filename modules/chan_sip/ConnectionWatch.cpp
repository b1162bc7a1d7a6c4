// chan_sip: a binding's TCP/TLS connection watched for its close (see ConnectionWatch.h).
#include "ConnectionWatch.h"

#include <sofia-sip/tport_tag.h>

namespace vce::sip {

ConnectionWatch::ConnectionWatch(tport_t *connection, std::function<void()> closed)
    : closed_(std::move(closed)) {
    if (!connection || !tport_is_secondary(connection) || tport_is_closed(connection)) return;
    connection_ = tport_ref(connection);
    // nta's transports report no orderly shutdown (TPTAG_SDWN_ERROR(0) on its master); this
    // connection alone reports it, so that a phone hanging up its connection is noticed.
    tport_set_params(connection_, TPTAG_SDWN_ERROR(1), TAG_END());
    pending_ = tport_pend(connection_, nullptr, &ConnectionWatch::on_error,
                          reinterpret_cast<tp_client_t *>(this));
}

ConnectionWatch::~ConnectionWatch() {
    if (!connection_) return;
    if (pending_ > 0)
        tport_release(connection_, pending_, nullptr, nullptr,
                      reinterpret_cast<tp_client_t *>(this), 0);
    tport_unref(connection_);
}

void ConnectionWatch::on_error(tp_stack_t *, tp_client_t *client, tport_t *, msg_t *, int) {
    auto *w = reinterpret_cast<ConnectionWatch *>(client);
    if (w->fired_) return;
    w->fired_ = true;
    if (w->closed_) w->closed_();  // may not destroy this watch (the owner defers that)
}

}  // namespace vce::sip
