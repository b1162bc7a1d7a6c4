// Tests of SDES a=crypto parsing/production and the minimal SDP offer/answer (daemon/media).
#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "daemon/media/SdpAudio.h"
#include "daemon/media/SdpCrypto.h"

using namespace vce::media;

namespace {

const char *kKey = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";  // RFC 4568 example key (30 bytes)

std::string offer(const std::string &profile, const std::string &cryptoLines) {
    return "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
           "m=audio 49170 " +
           profile +
           " 0 8 101\r\n"
           "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n" +
           cryptoLines;
}

}  // namespace

class MediaSdpTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MediaSdpTest);
    CPPUNIT_TEST(parsesRfc4568Example);
    CPPUNIT_TEST(unknownSuiteParsesButIsNotSupported);
    CPPUNIT_TEST(malformedCryptoRejectedWithReason);
    CPPUNIT_TEST(formatRoundTripAndBase64);
    CPPUNIT_TEST(offerWithOnlyUnsupportedCryptoRefused488);
    CPPUNIT_TEST(offerWithMixedCryptoChoosesSupported);
    CPPUNIT_TEST(plainOfferAnsweredWithoutCrypto);
    CPPUNIT_TEST(noCommonCodecRefused);
    CPPUNIT_TEST(fullOfferAnswerBothSidesAgree);
    CPPUNIT_TEST_SUITE_END();

public:
    void parsesRfc4568Example() {
        const auto r = parseCryptoAttribute(
            std::string("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:") + kKey + "|2^20|1:4");
        // MKI is not supported: refused with a reason.
        CPPUNIT_ASSERT(!r.attribute && r.error.find("MKI") != std::string::npos);
        const auto r2 = parseCryptoAttribute(
            std::string("a=crypto:7 AES_CM_128_HMAC_SHA1_32 inline:") + kKey + "|2^20");
        CPPUNIT_ASSERT_MESSAGE(r2.error, r2.attribute.has_value());
        CPPUNIT_ASSERT_EQUAL(7, r2.attribute->tag);
        CPPUNIT_ASSERT(r2.attribute->suite == SrtpSuite::AesCm128HmacSha1_32);
        CPPUNIT_ASSERT_EQUAL(std::size_t(30), r2.attribute->key.size());
        CPPUNIT_ASSERT_EQUAL(std::string("2^20"), r2.attribute->lifetime);
    }
    void unknownSuiteParsesButIsNotSupported() {
        const auto r = parseCryptoAttribute(
            "a=crypto:2 F8_128_HMAC_SHA1_80 inline:MTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5QUJjZGVm");
        CPPUNIT_ASSERT(r.attribute.has_value());
        CPPUNIT_ASSERT(!r.attribute->suite.has_value());
        CPPUNIT_ASSERT_EQUAL(std::string("F8_128_HMAC_SHA1_80"), r.attribute->suiteName);
    }
    void malformedCryptoRejectedWithReason() {
        auto r = parseCryptoAttribute("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:c2hvcnQ=");
        CPPUNIT_ASSERT(!r.attribute);
        CPPUNIT_ASSERT(r.error.find("30 bytes") != std::string::npos);
        r = parseCryptoAttribute("a=crypto:x AES_CM_128_HMAC_SHA1_80 inline:abcd");
        CPPUNIT_ASSERT(!r.attribute && r.error.find("tag") != std::string::npos);
        r = parseCryptoAttribute("a=crypto:1 AES_CM_128_HMAC_SHA1_80");
        CPPUNIT_ASSERT(!r.attribute);
        r = parseCryptoAttribute("a=crypto:1 AES_CM_128_HMAC_SHA1_80 uri:http://x");
        CPPUNIT_ASSERT(!r.attribute && r.error.find("inline:") != std::string::npos);
    }
    void formatRoundTripAndBase64() {
        CryptoAttribute a;
        a.tag = 3;
        a.suite = SrtpSuite::AesCm128HmacSha1_80;
        a.key = randomSrtpKey();
        const std::string line = formatCryptoAttribute(a);
        CPPUNIT_ASSERT(line.rfind("a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:", 0) == 0);
        const auto back = parseCryptoAttribute(line);
        CPPUNIT_ASSERT(back.attribute && back.attribute->key == a.key);
        CPPUNIT_ASSERT_EQUAL(std::string("Zm9vYmFy"), base64Encode({'f', 'o', 'o', 'b', 'a', 'r'}));
        CPPUNIT_ASSERT_EQUAL(std::string("Zm9vYg=="), base64Encode({'f', 'o', 'o', 'b'}));
        CPPUNIT_ASSERT(!base64Decode("Zm9v!g=="));
        CPPUNIT_ASSERT(!base64Decode("Zm9"));
    }
    void offerWithOnlyUnsupportedCryptoRefused488() {
        LocalMedia local;
        local.srtpKey = randomSrtpKey();
        const auto r = answerOffer(offer("RTP/SAVP",
                                         "a=crypto:1 F8_128_HMAC_SHA1_80 "
                                         "inline:MTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5QUJjZGVm\r\n"),
                                   local);
        CPPUNIT_ASSERT(!r.ok);
        CPPUNIT_ASSERT_EQUAL(488, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.reason, r.reason.find("F8_128_HMAC_SHA1_80") != std::string::npos);
        CPPUNIT_ASSERT(r.sdp.empty());
        // SRTP required here, and an RTP/AVP offer with only an unsupported suite: refused too.
        local.srtp = SrtpPolicy::Required;
        const auto r2 = answerOffer(
            offer(
                "RTP/AVP",
                "a=crypto:1 AEAD_AES_256_GCM inline:MTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5QUJjZGVm\r\n"),
            local);
        CPPUNIT_ASSERT(!r2.ok && r2.status == 488);
    }
    void offerWithMixedCryptoChoosesSupported() {
        LocalMedia local;
        local.srtpKey = randomSrtpKey();
        const auto r = answerOffer(
            offer("RTP/SAVP", std::string("a=crypto:1 F8_128_HMAC_SHA1_80 "
                                          "inline:MTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5QUJjZGVm\r\n") +
                                  "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" + kKey + "\r\n"),
            local);
        CPPUNIT_ASSERT_MESSAGE(r.reason, r.ok);
        CPPUNIT_ASSERT(r.media.suite == SrtpSuite::AesCm128HmacSha1_32);
        CPPUNIT_ASSERT(r.sdp.find("m=audio 0 RTP/SAVP 8 101") != std::string::npos);
        CPPUNIT_ASSERT(r.sdp.find("a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:") !=
                       std::string::npos);
        CPPUNIT_ASSERT(r.media.remoteKey == *base64Decode(kKey));
    }
    void plainOfferAnsweredWithoutCrypto() {
        LocalMedia local;
        local.codecs = {0, 8};
        const auto r = answerOffer(offer("RTP/AVP", ""), local);
        CPPUNIT_ASSERT(r.ok);
        CPPUNIT_ASSERT(!r.media.suite);
        CPPUNIT_ASSERT_EQUAL(uint8_t(0), r.media.audioPt);
        CPPUNIT_ASSERT_EQUAL(101, r.media.telephoneEventPt);
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.1"), r.media.remoteAddress);
        CPPUNIT_ASSERT_EQUAL(uint16_t(49170), r.media.remotePort);
        CPPUNIT_ASSERT(r.sdp.find("a=crypto") == std::string::npos);
    }
    void noCommonCodecRefused() {
        const std::string g729 = "v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP 18\r\n";
        const auto r = answerOffer(g729, LocalMedia{});
        CPPUNIT_ASSERT(!r.ok && r.status == 488 && r.reason.find("codec") != std::string::npos);
        const auto bad = answerOffer("v=0\r\nm=audio x RTP/AVP 0\r\n", LocalMedia{});
        CPPUNIT_ASSERT(!bad.ok && bad.reason.find("port") != std::string::npos);
    }
    void fullOfferAnswerBothSidesAgree() {
        LocalMedia alice, bob;
        alice.port = 4000;
        alice.srtpKey = randomSrtpKey();
        bob.port = 5000;
        bob.srtpKey = randomSrtpKey();
        bob.codecs = {0};
        const std::string o = buildOffer(alice);
        CPPUNIT_ASSERT(o.find("a=crypto:1 AES_CM_128_HMAC_SHA1_80") != std::string::npos);
        const auto ans = answerOffer(o, bob);
        CPPUNIT_ASSERT_MESSAGE(ans.reason, ans.ok);
        const auto acc = acceptAnswer(alice, ans.sdp);
        CPPUNIT_ASSERT_MESSAGE(acc.reason, acc.ok);
        CPPUNIT_ASSERT_EQUAL(uint8_t(0), acc.media.audioPt);
        CPPUNIT_ASSERT_EQUAL(uint16_t(5000), acc.media.remotePort);
        CPPUNIT_ASSERT(acc.media.suite == SrtpSuite::AesCm128HmacSha1_80);
        CPPUNIT_ASSERT(acc.media.remoteKey == bob.srtpKey);
        CPPUNIT_ASSERT(ans.media.remoteKey == alice.srtpKey);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MediaSdpTest);
