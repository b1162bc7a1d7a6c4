// chan_sip: the transport of an incoming request, by its sofia connection (RequestTransport.h).
#include "RequestTransport.h"

#include <sofia-sip/nta_tport.h>
#include <sofia-sip/tport.h>
#include <strings.h>

namespace vce::sip {

std::string request_transport(nta_agent_t *agent, nta_incoming_t *irq) {
    tport_t *tp = nta_incoming_transport(agent, irq, nullptr);  // a reference of ours
    if (!tp) return "";
    const tp_name_t *name = tport_name(tp);
    std::string proto = name && name->tpn_proto ? name->tpn_proto : "";
    tport_unref(tp);
    for (const char *known : {"udp", "tcp", "tls"})
        if (strcasecmp(proto.c_str(), known) == 0) return known;
    return proto;
}

}  // namespace vce::sip
