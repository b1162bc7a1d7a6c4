// Tests of the PSTN simulator's core against a box-side DSP chain over a virtual channel
// (in process): digits detected, busy / answer / congestion per the number table, calls in.
#include <cppunit/extensions/HelperMacros.h>
#include <poll.h>

#include <string>

#include "spandsp_glue/DspChain.h"
#include "spandsp_glue/VirtualSpan.h"
#include "tests/pstnsim/PstnSim.h"

using namespace vce;
using namespace vce::dsp;
using vce::pstnsim::LineState;

namespace {

// The box (a trunk with call-progress detection) and the simulator on one virtual channel.
struct Rig {
    pstnsim::NumberTable numbers =
        pstnsim::NumberTable::parse("100=echo,200=busy,300=noanswer,400=tone");
    pstnsim::SimConfig cfg;
    std::unique_ptr<VirtualChannel> box, far;
    std::unique_ptr<pstnsim::SimLine> sim;
    std::unique_ptr<DspChain> chain;
    DspEventQueue events;
    std::vector<TdmEvent> lineEvents;
    uint8_t boxOut[160];

    Rig() {
        auto p = VirtualChannel::pair(1, Law::Alaw, ChannelRole::Fxo);
        box = std::move(p.first);
        far = std::move(p.second);
        cfg.interDigitMs = 1000;
        sim = std::make_unique<pstnsim::SimLine>(1, numbers, cfg);
        DspChainConfig c;
        c.detectCallProgress = true;
        chain = std::make_unique<DspChain>(c);
        std::fill(boxOut, boxOut + 160, g711Silence(Law::Alaw));
    }
    bool sawTone(Tone t) const {
        for (const auto &e : events)
            if (e.type == DspEventType::ToneDetected && e.tone == t) return true;
        return false;
    }
    bool sawLine(TdmEvent t) const {
        for (auto e : lineEvents)
            if (e == t) return true;
        return false;
    }
    // One 20 ms tick: the simulator sends a block (and events), the box answers it.
    void tick() {
        uint8_t buf[480], out[160];
        std::size_t len;
        TdmEvent ev;
        // Simulator side: events and the box's last block.
        uint8_t fromBox[160];
        std::fill(fromBox, fromBox + 160, g711Silence(Law::Alaw));
        for (;;) {
            auto st = far->read(buf, sizeof buf, len, ev);
            if (st == TdmChannel::ReadStatus::Event)
                sim->onEvent(ev);
            else if (st == TdmChannel::ReadStatus::Audio)
                std::copy(buf, buf + 160, fromBox);
            else
                break;
        }
        sim->onAudio(fromBox, out, 160);
        for (TdmEvent e : sim->takeEvents()) far->signal(e);
        far->writeAudio(out, 160);
        // Box side.
        for (;;) {
            auto st = box->read(buf, sizeof buf, len, ev);
            if (st == TdmChannel::ReadStatus::Event)
                lineEvents.push_back(ev);
            else if (st == TdmChannel::ReadStatus::Audio) {
                chain->process(buf, nullptr, nullptr, boxOut, len);
                box->writeAudio(boxOut, len);
                chain->takeEvents(events);
            } else
                break;
        }
    }
    // Seize, wait for dial tone, dial, run `seconds`.
    void call(const std::string &number, double seconds) {
        box->signal(TdmEvent::OffHook);
        bool dialled = false;
        for (int t = 0; t < seconds * 50; ++t) {
            tick();
            if (!dialled && sawTone(Tone::Dial)) {
                chain->sendDtmf(number);
                dialled = true;
            }
        }
    }
};

}  // namespace

class DspPstnSimTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DspPstnSimTest);
    CPPUNIT_TEST(numberTableParsesAndRejects);
    CPPUNIT_TEST(busyNumberGivesBusyTone);
    CPPUNIT_TEST(echoNumberAnswersAndEchoes);
    CPPUNIT_TEST(unknownNumberGivesCongestion);
    CPPUNIT_TEST(noAnswerNumberRingsBack);
    CPPUNIT_TEST(callIntoTheBoxRingsAndSendsDigits);
    CPPUNIT_TEST_SUITE_END();

public:
    void numberTableParsesAndRejects() {
        auto t = pstnsim::NumberTable::parse("100=echo\n# comment\n200=busy, 2001=tone");
        CPPUNIT_ASSERT(t.find("100") && *t.find("100") == pstnsim::Service::Echo);
        CPPUNIT_ASSERT(t.isPrefix("200") && t.isPrefix("20") && !t.isPrefix("100"));
        CPPUNIT_ASSERT(!t.find("999"));
        CPPUNIT_ASSERT_THROW(pstnsim::NumberTable::parse("100=fax"), std::runtime_error);
        CPPUNIT_ASSERT_THROW(pstnsim::NumberTable::parse("1a0=busy"), std::runtime_error);
    }
    void busyNumberGivesBusyTone() {
        Rig r;
        r.call("200", 6);
        CPPUNIT_ASSERT_EQUAL(std::string("200"), r.sim->dialled());
        CPPUNIT_ASSERT(r.sim->state() == LineState::Busy);
        CPPUNIT_ASSERT(r.sawTone(Tone::Busy));
        CPPUNIT_ASSERT(!r.sawLine(TdmEvent::Answer));
    }
    void echoNumberAnswersAndEchoes() {
        Rig r;
        r.call("100", 4);
        CPPUNIT_ASSERT_EQUAL(std::string("100"), r.sim->dialled());
        CPPUNIT_ASSERT(r.sim->state() == LineState::Connected);
        CPPUNIT_ASSERT(r.sawLine(TdmEvent::Answer));
        // The echo service returns our digits: send one and hear it back.
        const auto before = r.events.size();
        r.chain->sendDtmf("7");
        for (int t = 0; t < 50; ++t) r.tick();
        bool heard = false;
        for (std::size_t i = before; i < r.events.size(); ++i)
            heard |= r.events[i].type == DspEventType::DtmfDigit && r.events[i].digit == '7';
        CPPUNIT_ASSERT(heard);
    }
    void unknownNumberGivesCongestion() {
        Rig r;
        r.call("9", 5);
        CPPUNIT_ASSERT(r.sim->state() == LineState::Congestion);
        CPPUNIT_ASSERT(r.sawTone(Tone::Congestion));
    }
    void noAnswerNumberRingsBack() {
        Rig r;
        r.call("300", 9);
        CPPUNIT_ASSERT(r.sim->state() == LineState::Ringback);
        CPPUNIT_ASSERT(r.sawTone(Tone::Ringback));
        CPPUNIT_ASSERT(!r.sawLine(TdmEvent::Answer));
        r.box->signal(TdmEvent::OnHook);
        r.tick();
        CPPUNIT_ASSERT(r.sim->state() == LineState::Idle);
    }
    void callIntoTheBoxRingsAndSendsDigits() {
        Rig r;
        r.sim->placeCall("4711");
        r.tick();
        CPPUNIT_ASSERT(r.sawLine(TdmEvent::RingStart));
        r.box->signal(TdmEvent::OffHook);
        for (int t = 0; t < 100; ++t) r.tick();
        CPPUNIT_ASSERT(r.sim->state() == LineState::Talking);
        CPPUNIT_ASSERT(r.sawLine(TdmEvent::RingStop));
        std::string d;
        for (const auto &e : r.events)
            if (e.type == DspEventType::DtmfDigit) d += e.digit;
        CPPUNIT_ASSERT_EQUAL(std::string("4711"), d);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DspPstnSimTest);
