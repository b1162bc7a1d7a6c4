// chan_tdm's FxoSignalling: a trunk line's ringing, release, answer, DID digits, call-progress
// tones and the seize/dial timers turned into actions, from tables (no line, no clock).
#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

#include "modules/chan_tdm/FxoSignalling.h"

using namespace vce::tdm;
namespace dsp = vce::dsp;
using std::chrono::milliseconds;

namespace {

const Clock::time_point kT0 = Clock::time_point() + std::chrono::hours(1);

std::string at(Clock::time_point t) {
    return t == Clock::time_point::max()
               ? ""
               : ",+" + std::to_string(std::chrono::duration_cast<milliseconds>(t - kT0).count());
}

// "answer-call-in enter(collecting digits,+10000)": the actions, times in ms after kT0.
std::string describe(const std::vector<FxoAction> &actions) {
    std::string out;
    for (const FxoAction &a : actions) {
        if (!out.empty()) out += ' ';
        switch (a.kind) {
            case FxoAction::Kind::AnswerCallIn:
                out += "answer-call-in";
                break;
            case FxoAction::Kind::Enter:
                out += std::string("enter(") + line_state_name(a.state) + at(a.deadline) + ")";
                break;
            case FxoAction::Kind::Deadline:
                out += "deadline(" + at(a.deadline).substr(2) + ")";
                break;
            case FxoAction::Kind::Digit:
                out += std::string("digit(") + a.digit + ")";
                break;
            case FxoAction::Kind::StopTone:
                out += "stop-tone";
                break;
            case FxoAction::Kind::SendNumber:
                out += "send-number";
                break;
            case FxoAction::Kind::ResetAnswerDetection:
                out += "reset-answer-detection";
                break;
            case FxoAction::Kind::LegRinging:
                out += "leg-ringing";
                break;
            case FxoAction::Kind::LegAnswered:
                out += "leg-answered";
                break;
            case FxoAction::Kind::LegFailed:
                out += "leg-failed(" + a.reason + ")";
                break;
            case FxoAction::Kind::LegEnded:
                out += "leg-ended";
                break;
            case FxoAction::Kind::CallerHungUp:
                out += "caller-hung-up";
                break;
        }
    }
    return out;
}

constexpr long kNoTimer = -1;

// The line's flags, as letters: l = a leg we dialled, c = a call in runs, d = it collects its
// DID, s = the number's DTMF is still being sent, r = ringing already reported.
struct Row {
    const char *what;
    LineState state;
    const char *flags;
    long deadline_ms;  // the line's state timer after kT0, kNoTimer: none
    FxoInput::Kind input;
    long at_ms;  // the input's time after kT0
    char digit;
    dsp::Tone tone;
    const char *expected;
};

using K = FxoInput::Kind;
using S = LineState;
using T = dsp::Tone;
constexpr T kNo = T::None;

const Row kRows[] = {
    // A call in from the PSTN.
    {"ringing while idle: answer, 10 s for the first DID digit", S::Idle, "", kNoTimer, K::Ring, 0,
     0, kNo, "answer-call-in enter(collecting digits,+10000)"},
    {"ringing while busy with a call is nothing", S::Up, "c", kNoTimer, K::Ring, 0, 0, kNo, ""},
    {"ringing while we seize for a call out is nothing", S::Seizing, "l", 500, K::Ring, 0, 0, kNo,
     ""},
    {"a DID digit", S::Collecting, "cd", 10000, K::Digit, 300, '5', kNo, "digit(5)"},
    {"a digit without a dialler", S::Collecting, "c", 10000, K::Digit, 300, '5', kNo, ""},
    {"a digit while routing", S::Routing, "c", kNoTimer, K::Digit, 300, '5', kNo, ""},
    {"a digit in the call is nothing", S::Up, "c", kNoTimer, K::Digit, 300, '5', kNo, ""},
    {"the PSTN caller hangs up while we collect", S::Collecting, "cd", 10000, K::LoopOpen, 100, 0,
     kNo, "caller-hung-up enter(idle)"},
    {"the PSTN caller hangs up in the call", S::Up, "c", kNoTimer, K::LoopOpen, 100, 0, kNo,
     "caller-hung-up enter(idle)"},
    {"loop open on an idle line is nothing", S::Idle, "", kNoTimer, K::LoopOpen, 100, 0, kNo, ""},
    {"loop open with no call is nothing", S::Tone, "", kNoTimer, K::LoopOpen, 100, 0, kNo, ""},
    {"a tone on a call in is nothing", S::Up, "c", kNoTimer, K::Tone, 100, 0, T::Busy, ""},
    {"collecting: the dialler's timeout is not ours", S::Collecting, "cd", 10000, K::Tick, 11000, 0,
     kNo, ""},
    // A call out on a trunk we seized.
    {"seizing: waiting for dial tone", S::Seizing, "l", 3000, K::Tick, 2999, 0, kNo, ""},
    {"seizing: dial tone heard, dial now", S::Seizing, "l", 3000, K::Tone, 400, 0, T::Dial,
     "deadline(400)"},
    {"seizing: waited long enough, send the number", S::Seizing, "l", 3000, K::Tick, 3000, 0, kNo,
     "stop-tone send-number enter(dialling,+3100)"},
    {"dialling: digits still going out", S::Dialling, "ls", 3100, K::Tick, 3100, 0, kNo,
     "deadline(3120)"},
    {"dialling: digits out, wait for the answer", S::Dialling, "l", 3100, K::Tick, 3140, 0, kNo,
     "reset-answer-detection enter(ringing)"},
    {"dialling: not yet time", S::Dialling, "l", 3100, K::Tick, 3050, 0, kNo, ""},
    {"a seizing line that is no leg has no timer of ours", S::Seizing, "", 3000, K::Tick, 3000, 0,
     kNo, ""},
    {"ringback: reported", S::Ringing, "l", kNoTimer, K::Tone, 4000, 0, T::Ringback, "leg-ringing"},
    {"ringback again: reported once", S::Ringing, "lr", kNoTimer, K::Tone, 9000, 0, T::Ringback,
     ""},
    {"ringback while dialling is not yet ringing", S::Dialling, "l", 3100, K::Tone, 3050, 0,
     T::Ringback, ""},
    {"busy while ringing", S::Ringing, "l", kNoTimer, K::Tone, 4000, 0, T::Busy,
     "leg-failed(BUSY)"},
    {"busy while dialling", S::Dialling, "l", 3100, K::Tone, 3050, 0, T::Busy, "leg-failed(BUSY)"},
    {"congestion while ringing", S::Ringing, "l", kNoTimer, K::Tone, 4000, 0, T::Congestion,
     "leg-failed(CONGESTION)"},
    {"busy while seizing is nothing yet", S::Seizing, "l", 3000, K::Tone, 400, 0, T::Busy, ""},
    {"dial tone while ringing is nothing", S::Ringing, "l", kNoTimer, K::Tone, 4000, 0, T::Dial,
     ""},
    {"busy in the answered call is nothing", S::Up, "l", kNoTimer, K::Tone, 9000, 0, T::Busy, ""},
    {"polarity reversal while ringing: answered", S::Ringing, "l", kNoTimer, K::Answer, 6000, 0,
     kNo, "leg-answered"},
    {"polarity reversal while dialling: answered", S::Dialling, "l", 3100, K::Answer, 3050, 0, kNo,
     "leg-answered"},
    {"polarity reversal while seizing is nothing", S::Seizing, "l", 3000, K::Answer, 100, 0, kNo,
     ""},
    {"answer without a leg is nothing", S::Ringing, "", kNoTimer, K::Answer, 6000, 0, kNo, ""},
    {"answer heard in the audio while ringing", S::Ringing, "l", kNoTimer, K::Answered, 6000, 0,
     kNo, "leg-answered"},
    {"answer heard in the audio while dialling is our own DTMF", S::Dialling, "l", 3100,
     K::Answered, 3050, 0, kNo, ""},
    {"the exchange releases our answered leg", S::Up, "l", kNoTimer, K::LoopOpen, 9000, 0, kNo,
     "leg-ended"},
    {"loop open on a leg not yet answered is nothing", S::Ringing, "l", kNoTimer, K::LoopOpen, 9000,
     0, kNo, ""},
};

bool has(const char *flags, char f) {
    return std::string(flags).find(f) != std::string::npos;
}

}  // namespace

class ChanTdmFxoTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanTdmFxoTest);
    CPPUNIT_TEST(inputs_from_a_table);
    CPPUNIT_TEST(a_call_out_from_seizure_to_answer);
    CPPUNIT_TEST_SUITE_END();

public:
    void inputs_from_a_table() {
        for (const Row &r : kRows) {
            FxoLine line;
            line.state = r.state;
            line.leg = has(r.flags, 'l');
            line.call = has(r.flags, 'c');
            line.dialler = has(r.flags, 'd');
            line.sending_digits = has(r.flags, 's');
            line.ringing_reported = has(r.flags, 'r');
            if (r.deadline_ms != kNoTimer) line.deadline = kT0 + milliseconds(r.deadline_ms);
            FxoInput in{r.input, kT0 + milliseconds(r.at_ms), r.digit};
            in.tone = r.tone;
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.what, std::string(r.expected),
                                         describe(FxoSignalling::step(line, in)));
        }
    }

    // The actions applied to the line as the engine would: seize, dial tone, send, digits out,
    // ringback, answer.
    void a_call_out_from_seizure_to_answer() {
        FxoLine line;
        line.state = LineState::Seizing;
        line.leg = true;
        line.deadline = kT0 + milliseconds(3000);
        std::string trace;
        const auto feed = [&](FxoInput in) {
            for (const FxoAction &a : FxoSignalling::step(line, in)) {
                if (a.kind == FxoAction::Kind::Enter) {
                    line.state = a.state;
                    line.deadline = a.deadline;
                } else if (a.kind == FxoAction::Kind::Deadline) {
                    line.deadline = a.deadline;
                } else if (a.kind == FxoAction::Kind::LegRinging) {
                    line.ringing_reported = true;
                } else if (a.kind == FxoAction::Kind::SendNumber) {
                    line.sending_digits = true;
                }
                trace += std::string(trace.empty() ? "" : " ") + describe({a});
            }
        };
        FxoInput dial{FxoInput::Kind::Tone, kT0 + milliseconds(300)};
        dial.tone = dsp::Tone::Dial;
        feed(dial);
        feed({FxoInput::Kind::Tick, kT0 + milliseconds(300)});
        feed({FxoInput::Kind::Tick, kT0 + milliseconds(400)});  // digits still going out
        line.sending_digits = false;
        feed({FxoInput::Kind::Tick, kT0 + milliseconds(420)});
        FxoInput ringback{FxoInput::Kind::Tone, kT0 + milliseconds(1500)};
        ringback.tone = dsp::Tone::Ringback;
        feed(ringback);
        feed(ringback);
        feed({FxoInput::Kind::Answer, kT0 + milliseconds(5000)});
        CPPUNIT_ASSERT_EQUAL(std::string("deadline(300) stop-tone send-number enter(dialling,+400) "
                                         "deadline(420) reset-answer-detection enter(ringing) "
                                         "leg-ringing leg-answered"),
                             trace);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanTdmFxoTest);
