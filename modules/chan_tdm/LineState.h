// chan_tdm: the states a TDM line goes through (shared by the engine and the FXS signalling),
// and the clock its timers use.
#pragma once

#include <chrono>

namespace vce::tdm {

using Clock = std::chrono::steady_clock;

enum class LineState {
    Unattached,  // no far end / hardware on this channel
    Idle,
    DialTone,    // FXS off hook, dial tone playing
    Collecting,  // digits arriving (FXS) or the DID after answering a trunk call
    Routing,     // the dialplan runs or waits for a leg on another technology
    Seizing,     // trunk seized, waiting for the exchange's dial tone
    Dialling,    // trunk: sending the number as DTMF
    Ringing,     // the called party rings (trunk after dialling, FXS phone being rung)
    Up,          // answered, audio bridged
    Tone,        // FXS: busy/congestion tone until the phone hangs up
};
const char *line_state_name(LineState s);

}  // namespace vce::tdm
