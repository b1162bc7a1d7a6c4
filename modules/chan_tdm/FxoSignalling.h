// chan_tdm: what a trunk line's (FXO) signalling asks for as a list of actions: the exchange
// rings us (a call in for a DID), releases the line, answers the call we dialled; the tones
// heard while we seize, dial and wait (dial tone, ringback, busy, congestion). No I/O, no
// clock: the engine passes the time in and carries the actions out.
#pragma once

#include <string>
#include <vector>

#include "LineState.h"
#include "spandsp_glue/DspEvent.h"

namespace vce::tdm {

struct FxoAction {
    enum class Kind {
        AnswerCallIn,  // the exchange rings us: off hook, a fresh call that collects the DID
        Enter,         // the line enters `state` with the timer `deadline`
        Deadline,      // the state timer moves to `deadline` (the state stays)
        Digit,         // hand `digit` (of the DID) to the call's overlap dialler
        StopTone,
        SendNumber,  // send the number as DTMF; if the chain refuses it, the leg fails with
                     // CONGESTION and the actions after this one are not carried out
        ResetAnswerDetection,
        LegRinging,    // ringback heard on our leg: report it (once)
        LegAnswered,   // the far end answered the call we dialled
        LegFailed,     // the call we dialled failed: `reason` is its DIALSTATUS
        LegEnded,      // the exchange released our answered leg
        CallerHungUp,  // the PSTN caller of a call in released the line: end the call, on hook
    };
    Kind kind;
    LineState state = LineState::Idle;                      // Enter
    Clock::time_point deadline = Clock::time_point::max();  // Enter, Deadline
    char digit = 0;                                         // Digit
    std::string reason = {};                                // LegFailed
};

struct FxoInput {
    enum class Kind {
        Ring,      // ringing voltage from the exchange
        Answer,    // answer signal or polarity reversal
        LoopOpen,  // loop current gone: the exchange released the line
        Digit,     // a DTMF digit heard
        Tone,      // a call-progress tone heard
        Answered,  // answer detected in the audio (speech after ringback)
        Tick,
    };
    Kind kind;
    Clock::time_point now;
    char digit = 0;                    // Digit
    dsp::Tone tone = dsp::Tone::None;  // Tone
};

// What the engine knows of the line when an input arrives (the state is the engine's, as the
// dialplan and leg placement move it too).
struct FxoLine {
    LineState state = LineState::Idle;
    bool leg = false;      // the line is a leg we dialled out on (someone awaits its events)
    bool call = false;     // a call in from the PSTN runs on this line (dialler, dialplan or a leg)
    bool dialler = false;  // that call is collecting its DID
    bool sending_digits = false;    // the DTMF of the number is still being sent
    bool ringing_reported = false;  // LegRinging was carried out for this leg
    Clock::time_point deadline = Clock::time_point::max();  // the state timer
};

// Stateless: everything it decides on is in the FxoLine.
class FxoSignalling {
public:
    static constexpr int kDidFirstDigitS = 10;  // a call in answered, no DID digit: release
    static constexpr int kDialledCheckMs = 100, kDigitsPollMs = 20;

    static std::vector<FxoAction> step(const FxoLine &line, const FxoInput &in);

private:
    static std::vector<FxoAction> tone(const FxoLine &line, const FxoInput &in);
    static std::vector<FxoAction> tick(const FxoLine &line, Clock::time_point now);
};

}  // namespace vce::tdm
