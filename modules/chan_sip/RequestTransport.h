// chan_sip: the transport a request really came over ("udp", "tcp", "tls"), from sofia-sip's
// connection rather than from the Via the sender wrote (a UDP sender may write "TLS" there).
// SIP thread of the agent.
#pragma once

#include <sofia-sip/nta.h>

#include <string>

namespace vce::sip {

// "" when sofia cannot say (the request is gone).
std::string request_transport(nta_agent_t *agent, nta_incoming_t *irq);
// Whether the request came over TLS (say, before SDES keys are put into an SDP for it).
inline bool arrived_over_tls(nta_agent_t *agent, nta_incoming_t *irq) {
    return request_transport(agent, irq) == "tls";
}

}  // namespace vce::sip
