// A call this box answered itself for another technology's leg (a SIP caller bridged to a
// TDM trunk, the seed's PSTN gateway): the counted reference to that technology and its
// call handle, the leg's CDR, and our UAS dialog with the caller. Held by the Engine from
// the answer until either side hangs up (Engine::end_gateway_from_caller/_far_end).
#pragma once

#include <memory>

#include "CallRecord.h"
#include "CreditWatch.h"
#include "Dialog.h"
#include "PeerCallLimits.h"
#include "vce/Channels.h"

namespace vce::sip {

struct GatewayCall {
    std::shared_ptr<ChannelTech> tech;  // counted: its module stays busy while we hold it
    unsigned long handle = 0;
    CallRecord cdr;
    Dialog dialog;        // the UAS dialog with the caller (our BYE when the far end hangs up)
    PeerChannel channel;  // a peer's call: its channel, given back when the call ends
    std::unique_ptr<CreditWatch> credit;  // a limited call: its paid time
};

}  // namespace vce::sip
