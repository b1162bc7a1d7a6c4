// Tests of RTP packets, RFC 4733 telephone-events and the RtpSession (daemon/media).
#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

#include "daemon/media/RtpSession.h"

using namespace vce::media;

class MediaRtpTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MediaRtpTest);
    CPPUNIT_TEST(rtpHeaderRoundTrip);
    CPPUNIT_TEST(rtpRejectsMalformed);
    CPPUNIT_TEST(telephoneEventEncodeDecode);
    CPPUNIT_TEST(senderSequenceHasMarkerAndThreeEnds);
    CPPUNIT_TEST(sessionsExchangeAudioAndDtmf);
    CPPUNIT_TEST_SUITE_END();

public:
    void rtpHeaderRoundTrip() {
        RtpHeader h;
        h.marker = true;
        h.payloadType = 8;
        h.sequence = 0xfffe;
        h.timestamp = 0xdeadbeef;
        h.ssrc = 0x01020304;
        uint8_t payload[160], buf[200];
        for (int i = 0; i < 160; ++i) payload[i] = static_cast<uint8_t>(i);
        const std::size_t n = writeRtp(h, payload, 160, buf, sizeof buf);
        CPPUNIT_ASSERT_EQUAL(std::size_t(172), n);
        const auto v = parseRtp(buf, n);
        CPPUNIT_ASSERT(v.has_value());
        CPPUNIT_ASSERT(v->header.marker && v->header.payloadType == 8 &&
                       v->header.sequence == 0xfffe);
        CPPUNIT_ASSERT_EQUAL(0xdeadbeefu, v->header.timestamp);
        CPPUNIT_ASSERT_EQUAL(0x01020304u, v->header.ssrc);
        CPPUNIT_ASSERT_EQUAL(std::size_t(160), v->payloadLen);
        CPPUNIT_ASSERT(std::equal(payload, payload + 160, v->payload));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), writeRtp(h, payload, 160, buf, 100));
    }
    void rtpRejectsMalformed() {
        uint8_t b[20] = {0x80, 0, 0, 1};
        CPPUNIT_ASSERT(!parseRtp(b, 11));
        b[0] = 0x40;  // version 1
        CPPUNIT_ASSERT(!parseRtp(b, 20));
        b[0] = 0x8f;  // 15 CSRCs, too short
        CPPUNIT_ASSERT(!parseRtp(b, 20));
        b[0] = 0xa0;  // padding larger than the payload
        b[19] = 100;
        CPPUNIT_ASSERT(!parseRtp(b, 20));
    }
    void telephoneEventEncodeDecode() {
        TelephoneEvent e;
        e.event = 11;
        e.end = true;
        e.volume = 13;
        e.duration = 800;
        uint8_t p[4];
        encodeTelephoneEvent(e, p);
        CPPUNIT_ASSERT(p[0] == 11 && p[1] == (0x80 | 13) && p[2] == 0x03 && p[3] == 0x20);
        const auto d = decodeTelephoneEvent(p, 4);
        CPPUNIT_ASSERT(d && d->event == 11 && d->end && d->volume == 13 && d->duration == 800);
        CPPUNIT_ASSERT(!decodeTelephoneEvent(p, 3));
        CPPUNIT_ASSERT_EQUAL('#', eventToDtmf(11));
        CPPUNIT_ASSERT_EQUAL(15, dtmfToEvent('D'));
        CPPUNIT_ASSERT_EQUAL(-1, dtmfToEvent('x'));
    }
    void senderSequenceHasMarkerAndThreeEnds() {
        TelephoneEventSender s('5', 100);
        std::vector<TelephoneEventSender::Packet> pk;
        while (auto p = s.next()) pk.push_back(*p);
        CPPUNIT_ASSERT_EQUAL(std::size_t(7), pk.size());  // 4 updates, then the end sent 3 times
        CPPUNIT_ASSERT(pk[0].marker && !pk[1].marker);
        int ends = 0;
        for (const auto &p : pk) ends += p.event.end;
        CPPUNIT_ASSERT_EQUAL(3, ends);
        CPPUNIT_ASSERT_EQUAL(uint16_t(800), pk.back().event.duration);
        CPPUNIT_ASSERT(!TelephoneEventSender('x').valid());
    }
    void sessionsExchangeAudioAndDtmf() {
        RtpSessionConfig c;
        c.audioPayloadType = kPayloadPcmu;
        RtpSession a(c), b(c);
        uint8_t frame[160], pkt[300];
        std::fill(frame, frame + 160, 0xff);
        std::string digits;
        int audio = 0;
        CPPUNIT_ASSERT(a.sendDtmf("12#"));
        CPPUNIT_ASSERT(!a.sendDtmf("1x"));
        for (int t = 0; t < 60; ++t) {
            const std::size_t n = a.nextPacket(frame, 160, pkt, sizeof pkt);
            const auto r = b.receive(pkt, n);
            if (r.kind == RtpSession::Received::Kind::Dtmf) digits += r.digit;
            if (r.kind == RtpSession::Received::Kind::Audio)
                ++audio, CPPUNIT_ASSERT_EQUAL(std::size_t(160), r.audioLen);
        }
        CPPUNIT_ASSERT_EQUAL(std::string("12#"), digits);
        CPPUNIT_ASSERT_EQUAL(60 - 21, audio);
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), b.stats().lost);
        // Telephone-events not negotiated: refused.
        RtpSessionConfig nc;
        nc.telephoneEventPayloadType = -1;
        CPPUNIT_ASSERT(!RtpSession(nc).sendDtmf("1"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MediaRtpTest);
