// chan_tdm's RtpBridge as the calling side (a TDM line dialling SIP): our SDP offer, the checks
// on the callee's answer, and audio both ways between an offer bridge and an answer bridge.
#include <cppunit/extensions/HelperMacros.h>
#include <poll.h>

#include <cmath>
#include <deque>
#include <string>
#include <vector>

#include "daemon/media/SdpAudio.h"
#include "modules/chan_tdm/RtpBridge.h"
#include "tests/unit/AudioFixtures.h"

using namespace vce;
using namespace vce::tdm;
using namespace vce::media;

namespace {

using vce::testing::snr_db;
using vce::testing::tone;
// Waits up to 300 ms for a datagram.
bool readable(int fd, int ms = 300) {
    return vce::testing::readable(fd, ms);
}

std::string answer(const std::string &conn, uint16_t port, const std::string &pts,
                   const std::string &profile = "RTP/AVP", const std::string &extra = "") {
    return "v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=" + conn + "\r\nt=0 0\r\nm=audio " +
           std::to_string(port) + " " + profile + " " + pts +
           "\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
           "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n" +
           extra;
}

MediaSettings settings(dsp::Law law, int base) {
    MediaSettings s;
    s.address = "127.0.0.1";
    s.port_min = base;
    s.port_max = base + 19;
    s.law = law;
    return s;
}

}  // namespace

class ChanTdmOfferTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanTdmOfferTest);
    CPPUNIT_TEST(offer_lists_trunk_law_first);
    CPPUNIT_TEST(accept_takes_the_answers_codec_and_address);
    CPPUNIT_TEST(accept_refuses_what_was_not_offered);
    CPPUNIT_TEST(offer_bridge_silent_until_accepted);
    CPPUNIT_TEST(tone_both_ways_between_offer_and_answer);
    CPPUNIT_TEST_SUITE_END();

public:
    void offer_lists_trunk_law_first() {
        const auto a =
            parseSdpAudio(buildOffer(gateway_offer_media(dsp::Law::Alaw, "10.0.0.5", 40002)));
        CPPUNIT_ASSERT_MESSAGE(a.error, a.audio);
        CPPUNIT_ASSERT_EQUAL(std::string("10.0.0.5"), a.audio->address);
        CPPUNIT_ASSERT_EQUAL(uint16_t(40002), a.audio->port);
        CPPUNIT_ASSERT_EQUAL(std::string("RTP/AVP"), a.audio->profile);
        CPPUNIT_ASSERT((a.audio->payloadTypes == std::vector<int>{8, 0, 101}));
        CPPUNIT_ASSERT_EQUAL(101, a.audio->telephoneEventPt);
        CPPUNIT_ASSERT(a.audio->crypto.empty());
        const auto u =
            parseSdpAudio(buildOffer(gateway_offer_media(dsp::Law::Ulaw, "10.0.0.5", 40002)));
        CPPUNIT_ASSERT(u.audio && (u.audio->payloadTypes == std::vector<int>{0, 8, 101}));
    }

    void accept_takes_the_answers_codec_and_address() {
        const LocalMedia offered = gateway_offer_media(dsp::Law::Alaw, "127.0.0.1", 40000);
        // The callee picks PCMU although we prefer PCMA: its choice is what we send.
        const auto r = accept_gateway_answer(offered, answer("IN IP4 192.0.2.9", 5004, "0 101"));
        CPPUNIT_ASSERT_MESSAGE(r.reason, r.ok);
        CPPUNIT_ASSERT_EQUAL(uint8_t(0), r.media.audioPt);
        CPPUNIT_ASSERT_EQUAL(101, r.media.telephoneEventPt);
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.9"), r.media.remoteAddress);
        CPPUNIT_ASSERT_EQUAL(uint16_t(5004), r.media.remotePort);
        CPPUNIT_ASSERT(!r.media.suite);
        // No telephone-event in the answer: digits stay in-band.
        const auto n = accept_gateway_answer(offered, answer("IN IP4 192.0.2.9", 5004, "8"));
        CPPUNIT_ASSERT(n.ok);
        CPPUNIT_ASSERT_EQUAL(uint8_t(8), n.media.audioPt);
        CPPUNIT_ASSERT_EQUAL(-1, n.media.telephoneEventPt);
    }

    void accept_refuses_what_was_not_offered() {
        const LocalMedia offered = gateway_offer_media(dsp::Law::Alaw, "127.0.0.1", 40000);
        const auto g729 = accept_gateway_answer(offered, answer("IN IP4 192.0.2.9", 5004, "18"));
        CPPUNIT_ASSERT(!g729.ok);
        CPPUNIT_ASSERT_EQUAL(488, g729.status);
        CPPUNIT_ASSERT(g729.reason.find("codec") != std::string::npos);
        const auto off = accept_gateway_answer(offered, answer("IN IP4 192.0.2.9", 0, "8"));
        CPPUNIT_ASSERT(!off.ok && off.reason.find("port 0") != std::string::npos);
        const auto v6 = accept_gateway_answer(offered, answer("IN IP6 ::1", 5004, "8"));
        CPPUNIT_ASSERT(!v6.ok && v6.reason.find("IPv4") != std::string::npos);
        const auto srtp = accept_gateway_answer(
            offered, answer("IN IP4 192.0.2.9", 5004, "8", "RTP/SAVP",
                            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
                            "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n"));
        CPPUNIT_ASSERT(!srtp.ok && srtp.reason.find("SRTP") != std::string::npos);
        const auto junk = accept_gateway_answer(offered, "not sdp at all");
        CPPUNIT_ASSERT(!junk.ok && junk.status == 488);
    }

    void offer_bridge_silent_until_accepted() {
        int cursor = 0;
        auto s = RtpBridge::offer(settings(dsp::Law::Alaw, 47300), cursor);
        CPPUNIT_ASSERT_MESSAGE(s.reason, s.bridge);
        RtpBridge &b = *s.bridge;
        CPPUNIT_ASSERT(!b.started());
        CPPUNIT_ASSERT_EQUAL(0, b.local_port() % 2);
        CPPUNIT_ASSERT(b.offer_sdp().find("m=audio " + std::to_string(b.local_port()) +
                                          " RTP/AVP 8 0 101\r\n") != std::string::npos);
        CPPUNIT_ASSERT(b.describe().find("offered, waiting for the answer") != std::string::npos);
        const auto ref = tone(160, 1000);
        b.send(ref.data(), ref.size());  // nowhere to send yet
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), b.stats().tx);
        const auto bad = b.accept(answer("IN IP4 127.0.0.1", 5004, "18"));
        CPPUNIT_ASSERT(!bad.ok && !b.started());
        // An answer bridge cannot take an answer: it made no offer.
        int c2 = 0;
        auto ans = RtpBridge::answer(b.offer_sdp(), settings(dsp::Law::Alaw, 47400), c2);
        CPPUNIT_ASSERT_MESSAGE(ans.reason, ans.bridge);
        CPPUNIT_ASSERT(!ans.bridge->accept(b.offer_sdp()).ok);
    }

    // The two sides of a TDM line calling SIP, on loopback: our offer answered by the answer
    // side of another bridge (the same code a SIP phone's answer goes through); a 1 kHz tone
    // each way arrives with SNR >= 30 dB on the codec the answer chose.
    void tone_both_ways_between_offer_and_answer() {
        int c1 = 0, c2 = 0;
        auto o = RtpBridge::offer(settings(dsp::Law::Alaw, 47500), c1);
        CPPUNIT_ASSERT_MESSAGE(o.reason, o.bridge);
        auto a = RtpBridge::answer(o.bridge->offer_sdp(), settings(dsp::Law::Ulaw, 47600), c2);
        CPPUNIT_ASSERT_MESSAGE(a.reason, a.bridge);
        // The answerer prefers its own law (PCMU) among what we offered.
        CPPUNIT_ASSERT(a.bridge->answer_sdp().find(" RTP/AVP 0 101\r\n") != std::string::npos);
        const auto r = o.bridge->accept(a.bridge->answer_sdp());
        CPPUNIT_ASSERT_MESSAGE(r.reason, r.ok);
        CPPUNIT_ASSERT(o.bridge->started());
        CPPUNIT_ASSERT_EQUAL(uint8_t(0), o.bridge->media().audioPt);
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:") + std::to_string(a.bridge->local_port()),
                             o.bridge->peer());

        const auto ref = tone(1600, 1000);
        for (std::size_t i = 0; i < ref.size(); i += 160) o.bridge->send(ref.data() + i, 160);
        std::deque<int16_t> heard;
        std::string digits;
        while (heard.size() < ref.size() && readable(a.bridge->fd()))
            a.bridge->receive(heard, digits);
        CPPUNIT_ASSERT_EQUAL(ref.size(), heard.size());
        const double to_answerer = snr_db(ref, heard);
        CPPUNIT_ASSERT_MESSAGE("SNR offer -> answer " + std::to_string(to_answerer),
                               to_answerer >= 30);

        const auto back = tone(1600, 700);
        for (std::size_t i = 0; i < back.size(); i += 160) a.bridge->send(back.data() + i, 160);
        std::deque<int16_t> got;
        while (got.size() < back.size() && readable(o.bridge->fd())) o.bridge->receive(got, digits);
        CPPUNIT_ASSERT_EQUAL(back.size(), got.size());
        const double to_offerer = snr_db(back, got);
        CPPUNIT_ASSERT_MESSAGE("SNR answer -> offer " + std::to_string(to_offerer),
                               to_offerer >= 30);
        CPPUNIT_ASSERT(o.bridge->describe().find("PCMU rx 10 tx 10") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanTdmOfferTest);
