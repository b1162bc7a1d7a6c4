// MESSAGE requests of our own (SIP thread): stored messages to a phone that registered again,
// and messages res_sms hands over for SIP phones. The body goes by length (bytes, NUL included).
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_tag.h>

#include "Engine.h"

namespace vce::sip {

void Engine::send_message(const Binding &b, const std::string &from,
                          const std::string &content_type, const std::string &body,
                          std::string call_id, std::function<void(int status)> done) {
    std::string hop = next_hop(b);
    std::string to = "<sip:" + b.aor + "@" + cfg_.domain + ">";
    // A number (a framed sender) becomes a SIP URI of our domain; a URI stays as it is.
    std::string from_uri =
        from.find(':') == std::string::npos ? "sip:" + from + "@" + cfg_.domain : from;
    std::string fromh = "<" + from_uri + ">;tag=m" + std::to_string(now()) + "-" +
                        std::to_string(deliveries_.size());
    sip_payload_t pl;
    sip_payload_init(&pl);
    pl.pl_data = const_cast<char *>(body.data());
    pl.pl_len = body.size();
    auto d = std::make_unique<QueuedDelivery>();
    d->e = this;
    d->done = std::move(done);
    d->tx.reset(nta_outgoing_tcreate(
        leg_,
        [](nta_outgoing_magic_t *m, nta_outgoing_t *, sip_t const *sip) -> int {
            auto *q = reinterpret_cast<QueuedDelivery *>(m);
            int st = sip ? sip->sip_status->st_status : 408;
            if (st < 200 || !q->tx) return 0;
            if (q->done) q->done(st);
            q->done = nullptr;
            // Deferred: we are inside the transaction's own callback.
            Engine *e = q->e;
            e->loop_.post([e, q] { e->deliveries_.erase(q); });
            return 0;
        },
        reinterpret_cast<nta_outgoing_magic_t *>(d.get()),
        hop.empty() ? nullptr : URL_STRING_MAKE(hop.c_str()), SIP_METHOD_MESSAGE,
        URL_STRING_MAKE(b.contact.c_str()), SIPTAG_TO_STR(to.c_str()),
        SIPTAG_FROM_STR(fromh.c_str()), SIPTAG_CALL_ID_STR(call_id.c_str()),
        SIPTAG_CSEQ_STR("1 MESSAGE"), SIPTAG_MAX_FORWARDS_STR("70"),
        SIPTAG_CONTENT_TYPE_STR(content_type.empty() ? "text/plain;charset=utf-8"
                                                     : content_type.c_str()),
        SIPTAG_PAYLOAD(&pl), TAG_END()));
    if (!d->tx) {
        if (d->done) d->done(503);
        return;
    }
    deliveries_[d.get()] = std::move(d);
}

}  // namespace vce::sip
