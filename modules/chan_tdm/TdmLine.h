// One TDM channel of chan_tdm as the TDM thread sees it: its DSP chain, the call state and
// what the call is connected to. Owned and touched only by the TDM thread.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "FxoSignalling.h"
#include "FxsSignalling.h"
#include "LineState.h"
#include "RtpBridge.h"
#include "TdmConfig.h"
#include "dialplan/Execution.h"
#include "dialplan/Overlap.h"
#include "spandsp_glue/CallerId.h"
#include "spandsp_glue/DspChain.h"
#include "spandsp_glue/TdmChannel.h"
#include "vce/CallDriver.h"
#include "vce/Channels.h"

namespace vce::tdm {

struct Line {
    int index = 0;  // in the engine's table
    int span = 0;   // index of its span
    LineConfig cfg;
    std::string name;  // "TDM/<span>/<channel>"
    dsp::TdmChannel *ch = nullptr;
    std::unique_ptr<dsp::DspChain> chain;
    LineState state = LineState::Unattached;
    std::string digits;         // collected (origin) or dialled (trunk leg)
    std::string peer;           // for display: the other side
    std::string last;           // last outcome, for display ("DIALSTATUS=BUSY")
    Clock::time_point since{};  // entered the current state
    Clock::time_point deadline = Clock::time_point::max();  // state timer

    // As the origin of a call (a phone off hook, a call in from a trunk).
    unsigned call_gen = 0;  // bumped per call; stale leg events carry an older one
    std::unique_ptr<dialplan::OverlapDialler> overlap;
    std::unique_ptr<CallDriver> driver;  // the call's run through the dialplan
    int leg_line = -1;                   // the leg we dialled on this engine
    unsigned long leg_handle = 0;        // its handle (this engine or another technology)
    // The other technology, when not TDM: a counted reference (ChannelRegistry::acquire).
    std::shared_ptr<ChannelTech> leg_tech;
    bool leg_was_answered = false;  // set when the leg answers (not read yet)

    // As a dialled leg (Dial(TDM/...) from a line here or from another module).
    unsigned long handle = 0;
    ChannelTech::Events report;  // to the requester (runs on this thread)
    int origin_line = -1;        // the requester's line when it is on this engine
    std::string dial_string;     // DTMF still to send
    Clock::time_point no_answer_at = Clock::time_point::max();
    FxsSignalling fxs;  // FXS: hook, digits, dial-tone timeout, ring cadence -> actions
    dsp::CallerIdInfo cid;

    // Audio from the bridged peer (linear), consumed by this line's blocks.
    std::deque<int16_t> inbox;
    // A leg dialled by another technology with an SDP offer: its RTP (null otherwise; reset
    // when the line goes idle, which closes the socket and frees the port).
    std::unique_ptr<RtpBridge> rtp;
};

}  // namespace vce::tdm
