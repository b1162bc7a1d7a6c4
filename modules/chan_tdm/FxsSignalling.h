// chan_tdm: what an FXS phone's line signalling asks for (off hook, on hook, digits, the
// dial-tone timeout, the ring cadence with caller ID) as a list of actions. No I/O, no clock:
// the engine passes the time in and carries the actions out.
#pragma once

#include <vector>

#include "LineState.h"

namespace vce::tdm {

struct FxsAction {
    enum class Kind {
        NewCall,     // off hook from idle: a fresh call (digits cleared, a new overlap dialler)
        DialTone,    // play dial tone
        Congestion,  // play congestion tone
        StopTone,
        Enter,        // the line enters `state` with the timer `deadline`
        Digit,        // hand `digit` to the call's overlap dialler
        Abandon,      // off hook too long without dialling: the dialler is dropped
        HangUp,       // the phone hung up: end the call it made (its leg, its execution)
        AnswerLeg,    // the phone we ring went off hook: our leg is answered
        EndLeg,       // the phone of our answered leg hung up: the leg ends
        RingOn,       // ringing voltage on
        RingOff,      // ringing voltage off
        SendCallerId  // between the first and second ring
    };
    Kind kind;
    LineState state = LineState::Idle;                      // Enter
    Clock::time_point deadline = Clock::time_point::max();  // Enter
    char digit = 0;                                         // Digit
};

struct FxsInput {
    enum class Kind { OffHook, OnHook, Digit, Tick };
    Kind kind;
    Clock::time_point now;
    char digit = 0;  // Digit
};

// What the engine knows of the line when an input arrives (the state is the engine's, as the
// dialplan and leg placement move it too).
struct FxsLine {
    LineState state = LineState::Idle;
    bool leg = false;      // the line is a leg we were asked to ring (someone awaits its events)
    bool dialler = false;  // the call from this phone has an overlap dialler (collecting digits)
    Clock::time_point deadline = Clock::time_point::max();  // the state timer
};

// One per FXS line; its own state is the ring cadence.
class FxsSignalling {
public:
    static constexpr int kRingOnMs = 1000, kRingCycleMs = 5000, kCallerIdAtMs = 1500;
    static constexpr int kDialToneMaxS = 20;  // off hook without dialling: congestion

    std::vector<FxsAction> step(const FxsLine &line, const FxsInput &in);

    // The engine starts ringing the phone at `now` (the cadence counts from there).
    void ring(Clock::time_point now);
    // The line went idle: no ringing, caller ID not sent.
    void reset();
    bool ring_on() const { return ring_on_; }

private:
    std::vector<FxsAction> tick(const FxsLine &line, Clock::time_point now);

    bool ring_on_ = false, caller_id_sent_ = false;
    Clock::time_point ring_started_{};
};

}  // namespace vce::tdm
