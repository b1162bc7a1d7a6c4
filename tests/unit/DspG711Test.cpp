// Tests of G.711 conversion and the virtual span wire format (spandsp_glue).
#include <cppunit/extensions/HelperMacros.h>

#include <cmath>
#include <cstdlib>

#include "spandsp_glue/G711.h"
#include "spandsp_glue/SpanWire.h"

using namespace vce::dsp;

class DspG711Test : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DspG711Test);
    CPPUNIT_TEST(codesRoundTripBothLaws);
    CPPUNIT_TEST(linearRoundTripWithinQuantisation);
    CPPUNIT_TEST(silenceAndNames);
    CPPUNIT_TEST(wireAudioEventHelloRoundTrip);
    CPPUNIT_TEST(wireRejectsMalformed);
    CPPUNIT_TEST_SUITE_END();

public:
    void codesRoundTripBothLaws() {
        for (Law law : {Law::Alaw, Law::Ulaw}) {
            for (int c = 0; c < 256; ++c) {
                const int16_t lin = g711Decode(law, static_cast<uint8_t>(c));
                const int16_t again = g711Decode(law, g711Encode(law, lin));
                CPPUNIT_ASSERT_EQUAL_MESSAGE(
                    std::string(lawName(law)) + " code " + std::to_string(c), lin, again);
            }
        }
    }
    void linearRoundTripWithinQuantisation() {
        int16_t in[160], back[160];
        uint8_t coded[160];
        for (int i = 0; i < 160; ++i) in[i] = static_cast<int16_t>(10000 * std::sin(i * 0.2));
        for (Law law : {Law::Alaw, Law::Ulaw}) {
            g711Encode(law, in, coded, 160);
            g711Decode(law, coded, back, 160);
            double sig = 0, err = 0;
            for (int i = 0; i < 160; ++i) {
                sig += double(in[i]) * in[i];
                err += double(in[i] - back[i]) * (in[i] - back[i]);
                CPPUNIT_ASSERT(std::abs(in[i] - back[i]) <= std::abs(in[i]) / 16 + 8);
            }
            CPPUNIT_ASSERT(10 * std::log10(sig / err) > 30.0);  // G.711 SQNR ~ 38 dB
        }
    }
    void silenceAndNames() {
        CPPUNIT_ASSERT(std::abs(g711Decode(Law::Alaw, g711Silence(Law::Alaw))) <= 8);
        CPPUNIT_ASSERT_EQUAL(uint8_t(0xFF), g711Silence(Law::Ulaw));
        Law l;
        CPPUNIT_ASSERT(parseLaw("pcmu", l) && l == Law::Ulaw);
        CPPUNIT_ASSERT(parseLaw("alaw", l) && l == Law::Alaw);
        CPPUNIT_ASSERT(!parseLaw("g729", l));
    }
    void wireAudioEventHelloRoundTrip() {
        uint8_t buf[wire::kMaxMessage], frame[160];
        for (int i = 0; i < 160; ++i) frame[i] = static_cast<uint8_t>(i);
        std::size_t n = wire::encodeAudio(buf, 7, frame, 160);
        CPPUNIT_ASSERT_EQUAL(std::size_t(168), n);
        auto m = wire::decode(buf, n);
        CPPUNIT_ASSERT(m && m->type == wire::Type::Audio && m->channel == 7 && m->audioLen == 160);
        CPPUNIT_ASSERT(std::equal(frame, frame + 160, m->audio));
        n = wire::encodeEvent(buf, 300, TdmEvent::Polarity);
        m = wire::decode(buf, n);
        CPPUNIT_ASSERT(m && m->type == wire::Type::Event && m->channel == 300 &&
                       m->event == TdmEvent::Polarity);
        n = wire::encodeHello(buf, 2, Law::Ulaw, ChannelRole::Fxo);
        m = wire::decode(buf, n);
        CPPUNIT_ASSERT(m && m->type == wire::Type::Hello && m->law == Law::Ulaw &&
                       m->role == ChannelRole::Fxo);
    }
    void wireRejectsMalformed() {
        uint8_t buf[wire::kMaxMessage];
        std::size_t n = wire::encodeEvent(buf, 1, TdmEvent::OffHook);
        CPPUNIT_ASSERT(!wire::decode(buf, n - 1));  // length mismatch
        buf[0] = 'X';
        CPPUNIT_ASSERT(!wire::decode(buf, n));  // bad magic
        n = wire::encodeEvent(buf, 1, TdmEvent::OffHook);
        buf[wire::kHeaderSize] = 99;
        CPPUNIT_ASSERT(!wire::decode(buf, n));  // unknown event
        CPPUNIT_ASSERT(!wire::decode(buf, 3));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DspG711Test);
