// Tests of SRTP through libsrtp2 (SrtpContext) and of the UDP media endpoint with SRTP.
#include <cppunit/extensions/HelperMacros.h>
#include <poll.h>

#include <string>

#include "daemon/media/MediaEndpoint.h"
#include "daemon/media/SrtpContext.h"

using namespace vce::media;

namespace {

std::size_t makePacket(uint8_t *buf, uint16_t seq) {
    RtpHeader h;
    h.payloadType = 0;
    h.sequence = seq;
    h.timestamp = seq * 160u;
    h.ssrc = 0xcafe;
    uint8_t payload[160];
    for (int i = 0; i < 160; ++i) payload[i] = static_cast<uint8_t>(i + seq);
    return writeRtp(h, payload, 160, buf, 172);
}

}  // namespace

class MediaSrtpTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MediaSrtpTest);
    CPPUNIT_TEST(protectUnprotectBothSuites);
    CPPUNIT_TEST(tamperedPacketRejectedAndCounted);
    CPPUNIT_TEST(replayRejectedAndCounted);
    CPPUNIT_TEST(wrongKeyLengthRefused);
    CPPUNIT_TEST(endpointsTalkSrtpOverUdpAndDropTampered);
    CPPUNIT_TEST_SUITE_END();

public:
    void protectUnprotectBothSuites() {
        for (SrtpSuite s : {SrtpSuite::AesCm128HmacSha1_80, SrtpSuite::AesCm128HmacSha1_32}) {
            const auto key = randomSrtpKey();
            SrtpContext tx(s, key, SrtpContext::Direction::Outbound);
            SrtpContext rx(s, key, SrtpContext::Direction::Inbound);
            for (uint16_t seq = 1; seq < 20; ++seq) {
                uint8_t buf[172 + kSrtpMaxTrailer], plain[172];
                std::size_t n = makePacket(buf, seq);
                std::copy(buf, buf + n, plain);
                CPPUNIT_ASSERT(tx.protect(buf, n));
                CPPUNIT_ASSERT_EQUAL(std::size_t(172) + srtpTagLen(s), n);
                CPPUNIT_ASSERT(!std::equal(plain + 12, plain + 172, buf + 12));  // encrypted
                CPPUNIT_ASSERT(rx.unprotect(buf, n));
                CPPUNIT_ASSERT_EQUAL(std::size_t(172), n);
                CPPUNIT_ASSERT(std::equal(plain, plain + 172, buf));
            }
            CPPUNIT_ASSERT_EQUAL(uint64_t(19), rx.stats().unprotectedPackets);
        }
    }
    void tamperedPacketRejectedAndCounted() {
        for (SrtpSuite s : {SrtpSuite::AesCm128HmacSha1_80, SrtpSuite::AesCm128HmacSha1_32}) {
            const auto key = randomSrtpKey();
            SrtpContext tx(s, key, SrtpContext::Direction::Outbound);
            SrtpContext rx(s, key, SrtpContext::Direction::Inbound);
            uint8_t buf[172 + kSrtpMaxTrailer];
            std::size_t n = makePacket(buf, 5);
            CPPUNIT_ASSERT(tx.protect(buf, n));
            buf[40] ^= 0x01;  // one bit of the payload
            CPPUNIT_ASSERT(!rx.unprotect(buf, n));
            CPPUNIT_ASSERT_EQUAL(uint64_t(1), rx.stats().authFailures);
            CPPUNIT_ASSERT_EQUAL(uint64_t(0), rx.stats().unprotectedPackets);
            // A packet under another key fails too.
            SrtpContext other(s, randomSrtpKey(), SrtpContext::Direction::Outbound);
            n = makePacket(buf, 6);
            CPPUNIT_ASSERT(other.protect(buf, n));
            CPPUNIT_ASSERT(!rx.unprotect(buf, n));
            CPPUNIT_ASSERT_EQUAL(uint64_t(2), rx.stats().authFailures);
        }
    }
    void replayRejectedAndCounted() {
        const auto key = randomSrtpKey();
        SrtpContext tx(SrtpSuite::AesCm128HmacSha1_80, key, SrtpContext::Direction::Outbound);
        SrtpContext rx(SrtpSuite::AesCm128HmacSha1_80, key, SrtpContext::Direction::Inbound);
        uint8_t buf[172 + kSrtpMaxTrailer], copy[172 + kSrtpMaxTrailer];
        std::size_t n = makePacket(buf, 9);
        CPPUNIT_ASSERT(tx.protect(buf, n));
        std::copy(buf, buf + n, copy);
        std::size_t m = n;
        CPPUNIT_ASSERT(rx.unprotect(buf, n));
        CPPUNIT_ASSERT(!rx.unprotect(copy, m));
        CPPUNIT_ASSERT_EQUAL(uint64_t(1), rx.stats().replayFailures);
    }
    void wrongKeyLengthRefused() {
        CPPUNIT_ASSERT_THROW(SrtpContext(SrtpSuite::AesCm128HmacSha1_80, std::vector<uint8_t>(16),
                                         SrtpContext::Direction::Outbound),
                             std::runtime_error);
    }
    void endpointsTalkSrtpOverUdpAndDropTampered() {
        MediaEndpoint a("127.0.0.1"), b("127.0.0.1");
        const auto ka = randomSrtpKey(), kb = randomSrtpKey();
        NegotiatedMedia ma, mb;
        ma.remoteAddress = mb.remoteAddress = "127.0.0.1";
        ma.remotePort = b.port();
        mb.remotePort = a.port();
        ma.audioPt = mb.audioPt = 8;
        ma.telephoneEventPt = mb.telephoneEventPt = 101;
        ma.suite = mb.suite = SrtpSuite::AesCm128HmacSha1_32;
        ma.localKey = mb.remoteKey = ka;
        ma.remoteKey = mb.localKey = kb;
        a.start(ma);
        b.start(mb);
        uint8_t frame[160];
        std::fill(frame, frame + 160, 0x55);
        CPPUNIT_ASSERT(a.sendDtmf("9"));
        int audio = 0;
        std::string digits;
        for (int t = 0; t < 20; ++t) {
            CPPUNIT_ASSERT(a.sendFrame(frame, 160));
            pollfd p{b.fd(), POLLIN, 0};
            poll(&p, 1, 500);
            uint8_t buf[1500];
            while (auto r = b.receive(buf, sizeof buf)) {
                if (r->kind == RtpSession::Received::Kind::Audio) ++audio;
                if (r->kind == RtpSession::Received::Kind::Dtmf) digits += r->digit;
            }
        }
        CPPUNIT_ASSERT_EQUAL(std::string("9"), digits);
        CPPUNIT_ASSERT_EQUAL(13, audio);
        // A forged packet (plain RTP to an SRTP endpoint) is dropped and counted.
        UdpSocket attacker("127.0.0.1", 0);
        uint8_t forged[172];
        const std::size_t n = makePacket(forged, 1000);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(b.port());
        to.sin_addr.s_addr = htonl(0x7f000001);
        attacker.sendTo(forged, n, to);
        pollfd p{b.fd(), POLLIN, 0};
        poll(&p, 1, 500);
        uint8_t buf[1500];
        CPPUNIT_ASSERT(!b.receive(buf, sizeof buf).has_value());
        CPPUNIT_ASSERT_EQUAL(uint64_t(1), b.stats().dropped);
        CPPUNIT_ASSERT_EQUAL(uint64_t(1), b.srtpIn()->stats().authFailures);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MediaSrtpTest);
