// Tests of the DSP chain's signals with real SpanDSP: DTMF, call-progress tones and answer,
// caller ID (ADSI tx -> ADSI rx), fax CNG/CED.
#include <cppunit/extensions/HelperMacros.h>
#include <spandsp.h>

#include <cmath>
#include <string>

#include "spandsp_glue/CallProgressDetector.h"
#include "spandsp_glue/CallerId.h"
#include "spandsp_glue/DspChain.h"
#include "spandsp_glue/ToneGenerator.h"

using namespace vce::dsp;

namespace {

// Two chains facing each other across a line (a's toLine is b's fromLine and vice versa).
struct Line {
    DspChain a, b;
    uint8_t ab[160], ba[160];
    DspEventQueue evA, evB;
    Line(DspChainConfig ca, DspChainConfig cb) : a(ca), b(cb) {
        std::fill(ab, ab + 160, g711Silence(ca.law));
        std::fill(ba, ba + 160, g711Silence(ca.law));
    }
    void run(int frames) {
        for (int f = 0; f < frames; ++f) {
            uint8_t nab[160], nba[160];
            a.process(ba, nullptr, nullptr, nab, 160);
            b.process(ab, nullptr, nullptr, nba, 160);
            std::copy(nab, nab + 160, ab);
            std::copy(nba, nba + 160, ba);
            a.takeEvents(evA);
            b.takeEvents(evB);
        }
    }
};

std::string digits(const DspEventQueue &q) {
    std::string s;
    for (const auto &e : q)
        if (e.type == DspEventType::DtmfDigit) s += e.digit;
    return s;
}

std::string describeAll(const DspEventQueue &q) {
    std::string s;
    for (const auto &e : q) s += describe(e) + "; ";
    return s;
}

bool has(const DspEventQueue &q, DspEventType t, Tone tone = Tone::None) {
    for (const auto &e : q)
        if (e.type == t && (tone == Tone::None || e.tone == tone)) return true;
    return false;
}

// Detect `tone` of `country` with the call-progress detector from a ToneGenerator.
DspEventQueue detect(const std::string &country, Tone tone, int ms) {
    const TonePlan *plan = findTonePlan(country);
    ToneGenerator gen(*plan);
    DspEventQueue q;
    CallProgressDetector det(*plan, q);
    gen.start(tone);
    int16_t buf[160];
    uint8_t g[160];
    for (int t = 0; t < ms; t += 20) {
        gen.generate(buf, 160);
        g711Encode(Law::Alaw, buf, g, 160);
        g711Decode(Law::Alaw, g, buf, 160);
        det.process(buf, 160);
    }
    return q;
}

}  // namespace

class DspSignalsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DspSignalsTest);
    CPPUNIT_TEST(dtmfGeneratedIsDetectedThroughTheChain);
    CPPUNIT_TEST(dtmfDetectedUnderEchoCancellerBothLaws);
    CPPUNIT_TEST(callProgressTonesDetectedPerCountry);
    CPPUNIT_TEST(busyIsNotTakenForCongestion);
    CPPUNIT_TEST(answerDetectedOnSpeechAfterRingback);
    CPPUNIT_TEST(callerIdGeneratedAndDecoded);
    CPPUNIT_TEST(callerIdThroughChainBellcore);
    CPPUNIT_TEST(faxCngAndCedReported);
    CPPUNIT_TEST(unknownCountryRefused);
    CPPUNIT_TEST_SUITE_END();

public:
    void dtmfGeneratedIsDetectedThroughTheChain() {
        DspChainConfig c;
        Line l(c, c);
        CPPUNIT_ASSERT(l.a.sendDtmf("0123456789*#ABCD"));
        l.run(200);
        CPPUNIT_ASSERT_EQUAL(std::string("0123456789*#ABCD"), digits(l.evB));
        CPPUNIT_ASSERT_EQUAL(std::string(""), digits(l.evA));  // its own echo is not a digit
        CPPUNIT_ASSERT(!l.a.sendDtmf("12x"));
    }
    void dtmfDetectedUnderEchoCancellerBothLaws() {
        for (Law law : {Law::Alaw, Law::Ulaw}) {
            DspChainConfig c;
            c.law = law;
            c.country = "us";
            Line l(c, c);
            l.a.sendDtmf("5");
            l.b.sendDtmf("9");  // both directions at once
            l.run(50);
            CPPUNIT_ASSERT_EQUAL(std::string("5"), digits(l.evB));
            CPPUNIT_ASSERT_EQUAL(std::string("9"), digits(l.evA));
        }
    }
    void callProgressTonesDetectedPerCountry() {
        for (const char *cc : {"de", "us", "gb", "fr"}) {
            for (Tone t : {Tone::Dial, Tone::Busy, Tone::Congestion, Tone::Ringback}) {
                const DspEventQueue q = detect(cc, t, 9000);
                const std::string msg = std::string(cc) + " " + toneName(t) + ": " + describeAll(q);
                CPPUNIT_ASSERT_MESSAGE(msg, !q.empty());
                CPPUNIT_ASSERT_MESSAGE(
                    msg, q.front().type == DspEventType::ToneDetected && q.front().tone == t);
                CPPUNIT_ASSERT_MESSAGE(msg, !has(q, DspEventType::Answered));
            }
        }
    }
    void busyIsNotTakenForCongestion() {
        const DspEventQueue q = detect("de", Tone::Busy, 4000);
        CPPUNIT_ASSERT(has(q, DspEventType::ToneDetected, Tone::Busy));
        CPPUNIT_ASSERT(!has(q, DspEventType::ToneDetected, Tone::Congestion));
        CPPUNIT_ASSERT(!has(q, DspEventType::ToneDetected, Tone::Dial));
    }
    void answerDetectedOnSpeechAfterRingback() {
        // A trunk: ringback from the far end, then a talker (noise bursts, syllable-like).
        DspChainConfig trunk;
        trunk.detectCallProgress = true;
        DspChainConfig far;
        Line l(trunk, far);
        l.b.playTone(Tone::Ringback);
        l.run(300);  // 6 s
        CPPUNIT_ASSERT_MESSAGE(describeAll(l.evA),
                               has(l.evA, DspEventType::ToneDetected, Tone::Ringback));
        CPPUNIT_ASSERT(!has(l.evA, DspEventType::Answered));
        l.b.stopTone();
        awgn_state_t *n = awgn_init_dbm0(nullptr, 42, -15.0f);
        for (int f = 0; f < 100; ++f) {
            int16_t talk[160];
            for (int k = 0; k < 160; ++k) {
                const double env = 0.6 + 0.4 * std::sin(2 * M_PI * 4.0 * (f * 160 + k) / 8000.0);
                talk[k] = static_cast<int16_t>(env * awgn(n));
            }
            uint8_t nab[160], nba[160];
            l.a.process(l.ba, nullptr, nullptr, nab, 160);
            l.b.process(l.ab, nullptr, talk, nba, 160);
            std::copy(nab, nab + 160, l.ab);
            std::copy(nba, nba + 160, l.ba);
            l.a.takeEvents(l.evA);
        }
        awgn_free(n);
        CPPUNIT_ASSERT_MESSAGE(describeAll(l.evA), has(l.evA, DspEventType::Answered));
    }
    void callerIdGeneratedAndDecoded() {
        for (CallerIdStandard s : {CallerIdStandard::Bellcore, CallerIdStandard::Etsi}) {
            CallerIdGenerator tx(s);
            CallerIdDecoder rx(s);
            CPPUNIT_ASSERT(tx.start({"0301234567", "Ada Lovelace", "12100930"}));
            CPPUNIT_ASSERT(!tx.start({"1", "", ""}));  // one at a time
            int16_t buf[160];
            int frames = 0;
            while (tx.generate(buf, 160) && frames < 200) {
                rx.process(buf, 160);
                ++frames;
            }
            for (int16_t &v : buf) v = 0;
            for (int i = 0; i < 10; ++i) rx.process(buf, 160);
            const auto info = rx.take();
            CPPUNIT_ASSERT_MESSAGE("no caller id decoded", info.has_value());
            CPPUNIT_ASSERT_EQUAL(std::string("0301234567"), info->number);
            CPPUNIT_ASSERT_EQUAL(std::string("Ada Lovelace"), info->name);
            CPPUNIT_ASSERT_EQUAL(std::string("12100930"), info->dateTime);
        }
    }
    void callerIdThroughChainBellcore() {
        DspChainConfig c;
        c.country = "us";  // Bellcore CLASS
        c.law = Law::Ulaw;
        DspChain chain(c);
        CallerIdDecoder rx(CallerIdStandard::Bellcore);
        CPPUNIT_ASSERT(chain.sendCallerId({"5551234", "VCE TEST", ""}));
        uint8_t in[160], out[160];
        std::fill(in, in + 160, g711Silence(Law::Ulaw));
        int16_t lin[160];
        for (int f = 0; f < 150; ++f) {
            chain.process(in, nullptr, nullptr, out, 160);
            g711Decode(Law::Ulaw, out, lin, 160);
            rx.process(lin, 160);
        }
        CPPUNIT_ASSERT(!chain.sendingCallerId());
        const auto info = rx.take();
        CPPUNIT_ASSERT(info.has_value());
        CPPUNIT_ASSERT_EQUAL(std::string("5551234"), info->number);
        CPPUNIT_ASSERT_EQUAL(std::string("VCE TEST"), info->name);
    }
    void faxCngAndCedReported() {
        for (int tone : {MODEM_CONNECT_TONES_FAX_CNG, MODEM_CONNECT_TONES_FAX_CED}) {
            DspChainConfig c;
            DspChain chain(c);
            modem_connect_tones_tx_state_t *tx = modem_connect_tones_tx_init(nullptr, tone);
            int16_t lin[160];
            uint8_t line[160], out[160];
            DspEventQueue q;
            for (int f = 0; f < 250; ++f) {  // 5 s
                const int got = modem_connect_tones_tx(tx, lin, 160);
                std::fill(lin + std::max(got, 0), lin + 160, int16_t{0});
                g711Encode(Law::Alaw, lin, line, 160);
                chain.process(line, nullptr, nullptr, out, 160);
                chain.takeEvents(q);
            }
            modem_connect_tones_tx_free(tx);
            const DspEventType want =
                tone == MODEM_CONNECT_TONES_FAX_CNG ? DspEventType::FaxCng : DspEventType::FaxCed;
            CPPUNIT_ASSERT_MESSAGE(describeAll(q), has(q, want));
            int count = 0;
            for (const auto &e : q) count += e.type == want;
            CPPUNIT_ASSERT_EQUAL(1, count);  // reported once
        }
    }
    void unknownCountryRefused() {
        DspChainConfig c;
        c.country = "xx";
        try {
            DspChain chain(c);
            CPPUNIT_FAIL("unknown country accepted");
        } catch (const std::runtime_error &e) {
            CPPUNIT_ASSERT(std::string(e.what()).find("'xx'") != std::string::npos);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DspSignalsTest);
