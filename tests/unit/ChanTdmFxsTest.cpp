// chan_tdm's FxsSignalling: an FXS phone's hook changes, digits, dial-tone timeout and ring
// cadence turned into actions, from tables (no line, no clock).
#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

#include "modules/chan_tdm/FxsSignalling.h"

using namespace vce::tdm;
using std::chrono::milliseconds;

namespace {

const Clock::time_point kT0 = Clock::time_point() + std::chrono::hours(1);

// "new-call dial-tone enter(dialtone,+20000)": the actions, times in ms after kT0.
std::string describe(const std::vector<FxsAction> &actions) {
    std::string out;
    for (const FxsAction &a : actions) {
        if (!out.empty()) out += ' ';
        switch (a.kind) {
            case FxsAction::Kind::NewCall:
                out += "new-call";
                break;
            case FxsAction::Kind::DialTone:
                out += "dial-tone";
                break;
            case FxsAction::Kind::Congestion:
                out += "congestion";
                break;
            case FxsAction::Kind::StopTone:
                out += "stop-tone";
                break;
            case FxsAction::Kind::Enter:
                out += std::string("enter(") + line_state_name(a.state);
                if (a.deadline != Clock::time_point::max())
                    out += ",+" +
                           std::to_string(
                               std::chrono::duration_cast<milliseconds>(a.deadline - kT0).count());
                out += ")";
                break;
            case FxsAction::Kind::Digit:
                out += std::string("digit(") + a.digit + ")";
                break;
            case FxsAction::Kind::Abandon:
                out += "abandon";
                break;
            case FxsAction::Kind::HangUp:
                out += "hang-up";
                break;
            case FxsAction::Kind::AnswerLeg:
                out += "answer-leg";
                break;
            case FxsAction::Kind::EndLeg:
                out += "end-leg";
                break;
            case FxsAction::Kind::RingOn:
                out += "ring-on";
                break;
            case FxsAction::Kind::RingOff:
                out += "ring-off";
                break;
            case FxsAction::Kind::SendCallerId:
                out += "caller-id";
                break;
        }
    }
    return out;
}

constexpr long kNoTimer = -1;

struct Row {
    const char *what;
    LineState state;
    bool leg, dialler;
    long deadline_ms;  // the line's state timer after kT0, kNoTimer: none
    FxsInput::Kind input;
    long at_ms;  // the input's time after kT0
    char digit;
    const char *expected;
};

using K = FxsInput::Kind;
using S = LineState;

const Row kRows[] = {
    {"off hook from idle: dial tone for 20 s", S::Idle, false, false, kNoTimer, K::OffHook, 0, 0,
     "new-call dial-tone enter(dialtone,+20000)"},
    {"off hook while already off hook", S::Tone, false, false, kNoTimer, K::OffHook, 0, 0, ""},
    {"off hook while routing", S::Routing, false, false, kNoTimer, K::OffHook, 0, 0, ""},
    {"first digit stops the dial tone", S::DialTone, false, true, 20000, K::Digit, 300, '6',
     "stop-tone digit(6)"},
    {"next digit", S::Collecting, false, true, 5000, K::Digit, 900, '2', "digit(2)"},
    {"digit without a dialler", S::DialTone, false, false, 20000, K::Digit, 300, '6', ""},
    {"digit while routing", S::Routing, false, false, kNoTimer, K::Digit, 300, '6', ""},
    {"digit while idle", S::Idle, false, true, kNoTimer, K::Digit, 300, '6', ""},
    {"dial tone before its timeout", S::DialTone, false, true, 20000, K::Tick, 19999, 0, ""},
    {"dial tone times out: congestion", S::DialTone, false, true, 20000, K::Tick, 20000, 0,
     "abandon congestion enter(tone)"},
    {"collecting: the dialler's timeout is not ours", S::Collecting, false, true, 5000, K::Tick,
     6000, 0, ""},
    {"on hook during dial tone", S::DialTone, false, true, 20000, K::OnHook, 100, 0,
     "hang-up enter(idle)"},
    {"on hook while routing", S::Routing, false, false, kNoTimer, K::OnHook, 100, 0,
     "hang-up enter(idle)"},
    {"on hook during a call out", S::Up, false, false, kNoTimer, K::OnHook, 100, 0,
     "hang-up enter(idle)"},
    {"on hook during busy tone", S::Tone, false, false, kNoTimer, K::OnHook, 100, 0,
     "hang-up enter(idle)"},
    {"on hook while idle", S::Idle, false, false, kNoTimer, K::OnHook, 100, 0, ""},
    {"rung phone answers (ring off)", S::Ringing, true, false, kNoTimer, K::OffHook, 2000, 0,
     "answer-leg"},
    {"answered leg hangs up", S::Up, true, false, kNoTimer, K::OnHook, 100, 0, "end-leg"},
    {"rung phone's on hook is nothing", S::Ringing, true, false, kNoTimer, K::OnHook, 100, 0, ""},
    {"leg in another state hangs up", S::Tone, true, false, kNoTimer, K::OnHook, 100, 0,
     "enter(idle)"},
    {"ringing without a leg: off hook is nothing", S::Ringing, false, false, kNoTimer, K::OffHook,
     100, 0, ""},
};

}  // namespace

class ChanTdmFxsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanTdmFxsTest);
    CPPUNIT_TEST(inputs_from_a_table);
    CPPUNIT_TEST(ring_cadence_and_caller_id);
    CPPUNIT_TEST(answer_while_ring_voltage_is_on);
    CPPUNIT_TEST(reset_forgets_the_cadence);
    CPPUNIT_TEST_SUITE_END();

public:
    void inputs_from_a_table() {
        for (const Row &r : kRows) {
            FxsSignalling fxs;
            FxsLine line;
            line.state = r.state;
            line.leg = r.leg;
            line.dialler = r.dialler;
            if (r.deadline_ms != kNoTimer) line.deadline = kT0 + milliseconds(r.deadline_ms);
            const auto actions = fxs.step(line, {r.input, kT0 + milliseconds(r.at_ms), r.digit});
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.what, std::string(r.expected), describe(actions));
        }
    }

    // 1 s on, 4 s off from when ringing started; caller ID once, 1.5 s in.
    void ring_cadence_and_caller_id() {
        const struct {
            long at_ms;
            const char *expected;
        } ticks[] = {
            {0, "ring-on"},      {20, ""},    {999, ""},  {1000, "ring-off"}, {1499, ""},
            {1500, "caller-id"}, {1520, ""},  {4999, ""}, {5000, "ring-on"},  {6000, "ring-off"},
            {10000, "ring-on"},  {10500, ""},
        };
        FxsSignalling fxs;
        fxs.ring(kT0);
        FxsLine line;
        line.state = LineState::Ringing;
        line.leg = true;
        for (const auto &t : ticks) {
            const auto actions =
                fxs.step(line, {FxsInput::Kind::Tick, kT0 + milliseconds(t.at_ms)});
            CPPUNIT_ASSERT_EQUAL_MESSAGE("tick at " + std::to_string(t.at_ms) + " ms",
                                         std::string(t.expected), describe(actions));
        }
        CPPUNIT_ASSERT(fxs.ring_on());
    }

    void answer_while_ring_voltage_is_on() {
        FxsSignalling fxs;
        fxs.ring(kT0);
        FxsLine line;
        line.state = LineState::Ringing;
        line.leg = true;
        CPPUNIT_ASSERT_EQUAL(std::string("ring-on"),
                             describe(fxs.step(line, {FxsInput::Kind::Tick, kT0})));
        CPPUNIT_ASSERT_EQUAL(
            std::string("ring-off answer-leg"),
            describe(fxs.step(line, {FxsInput::Kind::OffHook, kT0 + milliseconds(400)})));
        CPPUNIT_ASSERT(!fxs.ring_on());
    }

    void reset_forgets_the_cadence() {
        FxsSignalling fxs;
        fxs.ring(kT0);
        FxsLine line;
        line.state = LineState::Ringing;
        line.leg = true;
        fxs.step(line, {FxsInput::Kind::Tick, kT0 + milliseconds(1600)});  // caller ID sent
        fxs.reset();
        CPPUNIT_ASSERT(!fxs.ring_on());
        fxs.ring(kT0 + milliseconds(60000));  // rung again: caller ID again
        CPPUNIT_ASSERT_EQUAL(
            std::string("caller-id"),
            describe(fxs.step(line, {FxsInput::Kind::Tick, kT0 + milliseconds(61600)})));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanTdmFxsTest);
