// chan_tdm's gateway media (RtpBridge): SDP answers, RTP/SRTP <-> linear audio over loopback UDP.
#include <arpa/inet.h>
#include <cppunit/extensions/HelperMacros.h>
#include <poll.h>

#include <cmath>
#include <deque>
#include <string>
#include <vector>

#include "daemon/media/RtpPacket.h"
#include "daemon/media/SdpAudio.h"
#include "modules/chan_tdm/RtpBridge.h"
#include "modules/chan_tdm/TdmConfig.h"
#include "tests/unit/AudioFixtures.h"

using namespace vce;
using namespace vce::tdm;
using namespace vce::media;

namespace {

using vce::testing::snr_db;
using vce::testing::tone;
// Waits up to 500 ms for a datagram.
bool readable(int fd, int ms = 500) {
    return vce::testing::readable(fd, ms);
}

std::string offer(uint16_t port, const std::string &pts, bool te, const std::string &extra = "",
                  const std::string &profile = "RTP/AVP") {
    std::string s =
        "v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        "m=audio " +
        std::to_string(port) + " " + profile + " " + pts + (te ? " 101" : "") + "\r\n";
    s += "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n";
    if (te) s += "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n";
    s += extra;
    return s;
}

sockaddr_in loopback(uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    return a;
}

std::size_t rtp(uint8_t *buf, uint8_t pt, uint16_t seq, const uint8_t *payload, std::size_t n,
                bool marker = false, uint32_t ts = 0) {
    RtpHeader h;
    h.payloadType = pt;
    h.sequence = seq;
    h.timestamp = ts ? ts : seq * 160u;
    h.ssrc = 0x1234;
    h.marker = marker;
    return writeRtp(h, payload, n, buf, 1500);
}

MediaSettings settings(dsp::Law law = dsp::Law::Ulaw) {
    MediaSettings s;
    s.address = "127.0.0.1";
    s.port_min = 47100;
    s.port_max = 47199;
    s.law = law;
    return s;
}

// Collects what the bridge sends to `peer` as linear audio (PCMU or PCMA per packet type).
std::vector<int16_t> drain(UdpSocket &peer, SrtpContext *srtp = nullptr,
                           sockaddr_in *from = nullptr) {
    std::vector<int16_t> out;
    uint8_t buf[1500];
    while (readable(peer.fd(), 200)) {
        const long got = peer.receive(buf, sizeof buf, from);
        if (got < 0) break;
        std::size_t n = static_cast<std::size_t>(got);
        if (srtp && !srtp->unprotect(buf, n)) continue;
        const auto v = parseRtp(buf, n);
        if (!v) continue;
        std::vector<int16_t> lin(v->payloadLen);
        dsp::g711Decode(v->header.payloadType == 0 ? dsp::Law::Ulaw : dsp::Law::Alaw, v->payload,
                        lin.data(), lin.size());
        out.insert(out.end(), lin.begin(), lin.end());
    }
    return out;
}

}  // namespace

class ChanTdmMediaTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanTdmMediaTest);
    CPPUNIT_TEST(answer_prefers_trunk_law);
    CPPUNIT_TEST(answer_falls_back_to_other_law);
    CPPUNIT_TEST(no_common_codec_is_488);
    CPPUNIT_TEST(unsupported_crypto_only_is_488);
    CPPUNIT_TEST(supported_crypto_gives_savp);
    CPPUNIT_TEST(tone_both_ways_plain_rtp);
    CPPUNIT_TEST(tone_both_ways_srtp_and_auth_failure_counted);
    CPPUNIT_TEST(symmetric_rtp_follows_source);
    CPPUNIT_TEST(telephone_event_becomes_digit);
    CPPUNIT_TEST(ports_rotate_and_range_exhausts);
    CPPUNIT_TEST(config_media_keys);
    CPPUNIT_TEST_SUITE_END();

public:
    void answer_prefers_trunk_law() {
        const std::vector<uint8_t> key(30, 7);
        auto r = negotiate_gateway_media(offer(5004, "8 0", true), dsp::Law::Ulaw, "127.0.0.1",
                                         40000, key);
        CPPUNIT_ASSERT_MESSAGE(r.reason, r.ok);
        CPPUNIT_ASSERT(r.sdp.find("m=audio 40000 RTP/AVP 0 101\r\n") != std::string::npos);
        CPPUNIT_ASSERT(r.sdp.find("c=IN IP4 127.0.0.1\r\n") != std::string::npos);
        CPPUNIT_ASSERT(r.sdp.find("a=rtpmap:101 telephone-event/8000") != std::string::npos);
        CPPUNIT_ASSERT(r.sdp.find("a=crypto") == std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), r.media.remoteAddress);
        CPPUNIT_ASSERT_EQUAL(uint16_t(5004), r.media.remotePort);
        r = negotiate_gateway_media(offer(5004, "0 8", false), dsp::Law::Alaw, "10.0.0.1", 40002,
                                    key);
        CPPUNIT_ASSERT(r.ok);
        CPPUNIT_ASSERT(r.sdp.find("m=audio 40002 RTP/AVP 8\r\n") != std::string::npos);
        CPPUNIT_ASSERT(r.sdp.find("telephone-event") == std::string::npos);
        CPPUNIT_ASSERT_EQUAL(-1, r.media.telephoneEventPt);
    }
    void answer_falls_back_to_other_law() {
        const auto r = negotiate_gateway_media(offer(5004, "0", true), dsp::Law::Alaw, "127.0.0.1",
                                               40000, std::vector<uint8_t>(30, 1));
        CPPUNIT_ASSERT(r.ok);
        CPPUNIT_ASSERT(r.sdp.find("m=audio 40000 RTP/AVP 0 101\r\n") != std::string::npos);
    }
    void no_common_codec_is_488() {
        const auto r = negotiate_gateway_media(offer(5004, "9 18", false), dsp::Law::Alaw,
                                               "127.0.0.1", 40000, std::vector<uint8_t>(30, 1));
        CPPUNIT_ASSERT(!r.ok);
        CPPUNIT_ASSERT_EQUAL(488, r.status);
        int cursor = 0;
        const auto s = RtpBridge::answer(offer(5004, "9", false), settings(), cursor);
        CPPUNIT_ASSERT(!s.bridge);
        CPPUNIT_ASSERT_EQUAL(488, s.status);
    }
    void unsupported_crypto_only_is_488() {
        const std::string c =
            "a=crypto:1 AEAD_AES_256_GCM inline:YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY=\r\n";
        for (const char *profile : {"RTP/AVP", "RTP/SAVP"}) {
            const auto r =
                negotiate_gateway_media(offer(5004, "8", false, c, profile), dsp::Law::Alaw,
                                        "127.0.0.1", 40000, std::vector<uint8_t>(30, 1));
            CPPUNIT_ASSERT(!r.ok);
            CPPUNIT_ASSERT_EQUAL(488, r.status);
            CPPUNIT_ASSERT_MESSAGE(r.reason,
                                   r.reason.find("AEAD_AES_256_GCM") != std::string::npos);
        }
    }
    void supported_crypto_gives_savp() {
        const std::vector<uint8_t> theirs(30, 3), ours(30, 9);
        const std::string c =
            "a=crypto:1 AEAD_AES_256_GCM inline:YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY=\r\n"
            "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" +
            base64Encode(theirs) + "\r\n";
        const auto r = negotiate_gateway_media(offer(5004, "0 8", true, c, "RTP/SAVP"),
                                               dsp::Law::Alaw, "127.0.0.1", 40000, ours);
        CPPUNIT_ASSERT_MESSAGE(r.reason, r.ok);
        CPPUNIT_ASSERT(r.sdp.find("m=audio 40000 RTP/SAVP 8 101\r\n") != std::string::npos);
        CPPUNIT_ASSERT(r.sdp.find("a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" +
                                  base64Encode(ours)) != std::string::npos);
        CPPUNIT_ASSERT(r.media.remoteKey == theirs);
        // Best-effort SRTP: a=crypto on RTP/AVP is keyed, and the answer stays RTP/AVP.
        const auto b = negotiate_gateway_media(offer(5004, "8", false, c, "RTP/AVP"),
                                               dsp::Law::Alaw, "127.0.0.1", 40000, ours);
        CPPUNIT_ASSERT(b.ok && b.media.suite);
        CPPUNIT_ASSERT(b.sdp.find("m=audio 40000 RTP/AVP 8\r\n") != std::string::npos);
        CPPUNIT_ASSERT(b.sdp.find("a=crypto:2 AES_CM_128_HMAC_SHA1_80") != std::string::npos);
    }

    void tone_both_ways_plain_rtp() {
        UdpSocket peer("127.0.0.1", 0);
        int cursor = 0;
        auto s = RtpBridge::answer(offer(peer.port(), "0", true), settings(dsp::Law::Ulaw), cursor);
        CPPUNIT_ASSERT_MESSAGE(s.reason, s.bridge);
        RtpBridge &b = *s.bridge;
        CPPUNIT_ASSERT(b.answer_sdp().find("m=audio " + std::to_string(b.local_port()) +
                                           " RTP/AVP 0 101\r\n") != std::string::npos);
        // RTP toward the trunk: 10 packets of a 1 kHz tone.
        const auto ref = tone(1600);
        const sockaddr_in to = loopback(b.local_port());
        for (int p = 0; p < 10; ++p) {
            uint8_t g[160], buf[1500];
            dsp::g711Encode(dsp::Law::Ulaw, ref.data() + p * 160, g, 160);
            const std::size_t n = rtp(buf, 0, static_cast<uint16_t>(p + 1), g, 160);
            CPPUNIT_ASSERT(peer.sendTo(buf, n, to));
        }
        std::deque<int16_t> audio;
        std::string digits;
        while (audio.size() < 1600 && readable(b.fd())) b.receive(audio, digits);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1600), audio.size());
        const double in = snr_db(ref, std::vector<int16_t>(audio.begin(), audio.end()));
        CPPUNIT_ASSERT_MESSAGE("SNR toward the trunk " + std::to_string(in), in >= 30);
        CPPUNIT_ASSERT_EQUAL(uint64_t(10), b.stats().rx);
        // Trunk audio toward the caller in uneven blocks: one packet per 160 samples.
        for (std::size_t i = 0; i < 1600; i += 80) b.send(ref.data() + i, 80);
        CPPUNIT_ASSERT_EQUAL(uint64_t(10), b.stats().tx);
        const auto back = drain(peer);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1600), back.size());
        const double out = snr_db(ref, back);
        CPPUNIT_ASSERT_MESSAGE("SNR toward the caller " + std::to_string(out), out >= 30);
        CPPUNIT_ASSERT(b.describe().find("PCMU rx 10 tx 10 auth-failures 0") != std::string::npos);
    }

    void tone_both_ways_srtp_and_auth_failure_counted() {
        UdpSocket peer("127.0.0.1", 0);
        const auto their_key = randomSrtpKey();
        const std::string c =
            "a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:" + base64Encode(their_key) + "\r\n";
        int cursor = 0;
        auto s = RtpBridge::answer(offer(peer.port(), "8", false, c, "RTP/SAVP"),
                                   settings(dsp::Law::Alaw), cursor);
        CPPUNIT_ASSERT_MESSAGE(s.reason, s.bridge);
        RtpBridge &b = *s.bridge;
        const auto ans = parseSdpAudio(b.answer_sdp());
        CPPUNIT_ASSERT(ans.audio && ans.audio->crypto.size() == 1);
        CPPUNIT_ASSERT_EQUAL(std::string("RTP/SAVP"), ans.audio->profile);
        SrtpContext tx(SrtpSuite::AesCm128HmacSha1_32, their_key, SrtpContext::Direction::Outbound);
        SrtpContext rx(SrtpSuite::AesCm128HmacSha1_32, ans.audio->crypto[0].key,
                       SrtpContext::Direction::Inbound);
        const auto ref = tone(1600, 1000, 6000);
        const sockaddr_in to = loopback(b.local_port());
        for (int p = 0; p < 11; ++p) {
            uint8_t g[160], buf[1500];
            dsp::g711Encode(dsp::Law::Alaw, ref.data() + (p % 10) * 160, g, 160);
            std::size_t n = rtp(buf, 8, static_cast<uint16_t>(p + 1), g, 160);
            CPPUNIT_ASSERT(tx.protect(buf, n));
            if (p == 10) buf[20] ^= 0x40;  // tampered: must fail authentication
            CPPUNIT_ASSERT(peer.sendTo(buf, n, to));
        }
        std::deque<int16_t> audio;
        std::string digits;
        while (readable(b.fd(), 200)) b.receive(audio, digits);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1600), audio.size());
        const double in = snr_db(ref, std::vector<int16_t>(audio.begin(), audio.end()));
        CPPUNIT_ASSERT_MESSAGE("SRTP SNR toward the trunk " + std::to_string(in), in >= 30);
        CPPUNIT_ASSERT_EQUAL(uint64_t(10), b.stats().rx);
        CPPUNIT_ASSERT_EQUAL(uint64_t(1), b.stats().auth_failures);
        b.send(ref.data(), ref.size());
        const auto back = drain(peer, &rx);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1600), back.size());
        const double out = snr_db(ref, back);
        CPPUNIT_ASSERT_MESSAGE("SRTP SNR toward the caller " + std::to_string(out), out >= 30);
        CPPUNIT_ASSERT(b.describe().find("srtp AES_CM_128_HMAC_SHA1_32") != std::string::npos);
    }

    void symmetric_rtp_follows_source() {
        UdpSocket offered("127.0.0.1", 0), nat("127.0.0.1", 0);
        int cursor = 0;
        auto s =
            RtpBridge::answer(offer(offered.port(), "8", false), settings(dsp::Law::Alaw), cursor);
        CPPUNIT_ASSERT(s.bridge);
        RtpBridge &b = *s.bridge;
        const auto ref = tone(160);
        b.send(ref.data(), 160);
        CPPUNIT_ASSERT_EQUAL(std::size_t(160), drain(offered).size());
        uint8_t g[160], buf[1500];
        dsp::g711Encode(dsp::Law::Alaw, ref.data(), g, 160);
        // Not RTP: ignored, the peer does not move.
        CPPUNIT_ASSERT(nat.sendTo(g, 20, loopback(b.local_port())));
        std::deque<int16_t> audio;
        std::string digits;
        CPPUNIT_ASSERT(readable(b.fd()));
        b.receive(audio, digits);
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:") + std::to_string(offered.port()), b.peer());
        const std::size_t n = rtp(buf, 8, 1, g, 160);
        CPPUNIT_ASSERT(nat.sendTo(buf, n, loopback(b.local_port())));
        CPPUNIT_ASSERT(readable(b.fd()));
        b.receive(audio, digits);
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:") + std::to_string(nat.port()), b.peer());
        CPPUNIT_ASSERT_EQUAL(uint64_t(1), b.stats().latched);
        b.send(ref.data(), 160);
        CPPUNIT_ASSERT_EQUAL(std::size_t(160), drain(nat).size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), drain(offered).size());
    }

    void telephone_event_becomes_digit() {
        UdpSocket peer("127.0.0.1", 0);
        int cursor = 0;
        auto s = RtpBridge::answer(offer(peer.port(), "8", true), settings(dsp::Law::Alaw), cursor);
        CPPUNIT_ASSERT(s.bridge);
        RtpBridge &b = *s.bridge;
        const sockaddr_in to = loopback(b.local_port());
        uint16_t seq = 1;
        for (char d : std::string("5#")) {
            const uint32_t ts = 8000u * seq;
            for (int i = 0; i < 6; ++i) {
                TelephoneEvent e;
                e.event = static_cast<uint8_t>(dtmfToEvent(d));
                e.duration = static_cast<uint16_t>(160 * (i + 1));
                e.end = i >= 3;
                uint8_t p[4], buf[64];
                encodeTelephoneEvent(e, p);
                const std::size_t n = rtp(buf, 101, seq++, p, 4, i == 0, ts);
                CPPUNIT_ASSERT(peer.sendTo(buf, n, to));
            }
        }
        std::deque<int16_t> audio;
        std::string digits;
        while (readable(b.fd(), 200)) b.receive(audio, digits);
        CPPUNIT_ASSERT_EQUAL(std::string("5#"), digits);
        CPPUNIT_ASSERT(audio.empty());
        CPPUNIT_ASSERT_EQUAL(uint64_t(2), b.stats().dtmf);
    }

    void ports_rotate_and_range_exhausts() {
        MediaSettings st = settings();
        st.port_min = 47201;  // odd: the first even port is used
        st.port_max = 47204;
        int cursor = 0;
        const std::string o = offer(5004, "0", false);
        auto a = RtpBridge::answer(o, st, cursor);
        auto b = RtpBridge::answer(o, st, cursor);
        CPPUNIT_ASSERT(a.bridge && b.bridge);
        CPPUNIT_ASSERT_EQUAL(uint16_t(47202), a.bridge->local_port());
        CPPUNIT_ASSERT_EQUAL(uint16_t(47204), b.bridge->local_port());
        auto c = RtpBridge::answer(o, st, cursor);
        CPPUNIT_ASSERT(!c.bridge);
        CPPUNIT_ASSERT_EQUAL(503, c.status);
        CPPUNIT_ASSERT_MESSAGE(c.reason, c.reason.find("no free RTP port") != std::string::npos);
        a.bridge.reset();  // hangup frees the port
        auto d = RtpBridge::answer(o, st, cursor);
        CPPUNIT_ASSERT(d.bridge);
        CPPUNIT_ASSERT_EQUAL(uint16_t(47202), d.bridge->local_port());
    }

    void config_media_keys() {
        const std::string span =
            "[pstn]\ntype = virtual\npath = /tmp/x.sock\nchannels = 1\n"
            "signalling = fxo\ncontext = c\n";
        auto c = parse_tdm_config(Config::parse(span, "tdm.conf"), false);
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), c.media_ip);
        CPPUNIT_ASSERT_EQUAL(40000, c.rtp_port_min);
        CPPUNIT_ASSERT_EQUAL(40999, c.rtp_port_max);
        c = parse_tdm_config(
            Config::parse("[general]\nmedia_ip = 10.1.2.3\nrtp_ports = 20000-20099\n" + span,
                          "tdm.conf"),
            false);
        CPPUNIT_ASSERT_EQUAL(std::string("10.1.2.3"), c.media_ip);
        CPPUNIT_ASSERT_EQUAL(20000, c.rtp_port_min);
        CPPUNIT_ASSERT_EQUAL(20099, c.rtp_port_max);
        CPPUNIT_ASSERT_THROW(
            parse_tdm_config(Config::parse("[general]\nrtp_ports = 5000\n" + span, "tdm.conf"),
                             false),
            ConfigError);
        CPPUNIT_ASSERT_THROW(
            parse_tdm_config(Config::parse("[general]\nmedia_ip = host\n" + span, "tdm.conf"),
                             false),
            ConfigError);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanTdmMediaTest);
