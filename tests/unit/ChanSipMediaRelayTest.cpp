// chan_sip's media relay settings (media_relay, media_relay_address, media_relay_ports,
// media_relay_threads) and the decision to anchor a call, from tables.
#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "modules/chan_sip/MediaRelayConfig.h"
#include "modules/chan_sip/SipConfig.h"

using namespace vce;
using namespace vce::sip;

namespace {

SipConfig parse(const std::string &text) {
    return SipConfig::from(Config::parse("[general]\nbind = 127.0.1.5:57100\n" + text, "sip.conf"));
}

std::string refusal(const std::string &text) {
    try {
        parse(text);
        return "";
    } catch (const ConfigError &e) {
        return e.what();
    }
}

std::string sdp(const std::string &ip) {
    return "v=0\r\no=- 1 1 IN IP4 " + ip + "\r\ns=-\r\nc=IN IP4 " + ip +
           "\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
}

}  // namespace

class ChanSipMediaRelayTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanSipMediaRelayTest);
    CPPUNIT_TEST(defaults);
    CPPUNIT_TEST(settings);
    CPPUNIT_TEST(refusals_name_the_line);
    CPPUNIT_TEST(decision_table);
    CPPUNIT_TEST(behind_nat_table);
    CPPUNIT_TEST_SUITE_END();

public:
    void defaults() {
        const SipConfig c = parse("");
        CPPUNIT_ASSERT(c.media.mode == MediaRelayMode::Never);
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.1.5"), c.media.address);
        CPPUNIT_ASSERT_EQUAL(uint16_t(10000), c.media.port_first);
        CPPUNIT_ASSERT_EQUAL(uint16_t(20000), c.media.port_last);
        CPPUNIT_ASSERT_EQUAL(1u, c.media.threads);
        // Behind a port-forwarding NAT the relay names the public address, as SIP does.
        const SipConfig a = parse("advertise = 192.0.2.7\n");
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.7"), a.media.address);
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.1.5"), a.media.bind_address);
    }
    void settings() {
        const SipConfig c = parse(
            "media_relay = nat\nmedia_relay_address = 127.0.1.6\nmedia_relay_ports = "
            "40000-40999\nmedia_relay_threads = 2\n");
        CPPUNIT_ASSERT(c.media.mode == MediaRelayMode::Nat);
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.1.6"), c.media.address);
        CPPUNIT_ASSERT_EQUAL(uint16_t(40000), c.media.port_first);
        CPPUNIT_ASSERT_EQUAL(uint16_t(40999), c.media.port_last);
        CPPUNIT_ASSERT_EQUAL(2u, c.media.threads);
        CPPUNIT_ASSERT(parse("media_relay = always\n").media.mode == MediaRelayMode::Always);
    }
    void refusals_name_the_line() {
        const struct {
            const char *text, *says;
        } rows[] = {
            {"media_relay = sometimes\n", "sip.conf:3: media_relay is nat"},
            {"media_relay_address = relay.example\n",
             "sip.conf:3: media_relay_address is the IPv4"},
            {"media_relay_ports = 40000\n", "sip.conf:3: media_relay_ports is FIRST-LAST"},
            {"media_relay_ports = 40000-40001\n", "at least two"},
            {"media_relay_ports = 80-90\n", "1024-65535"},
            {"media_relay_ports = 60000-70000\n", "1024-65535"},
            {"media_relay_ports = a-b\n", "FIRST-LAST"},
            {"media_relay_threads = 0\n", "sip.conf:3: media_relay_threads is 1..64"},
        };
        for (const auto &r : rows) {
            const std::string why = refusal(r.text);
            CPPUNIT_ASSERT_MESSAGE(std::string(r.text) + " -> " + why,
                                   why.find(r.says) != std::string::npos);
        }
    }
    void decision_table() {
        const struct {
            MediaRelayMode mode;
            bool caller, callee, relay;
        } rows[] = {
            {MediaRelayMode::Never, true, true, false},
            {MediaRelayMode::Always, false, false, true},
            {MediaRelayMode::Nat, false, false, false},
            {MediaRelayMode::Nat, true, false, true},
            {MediaRelayMode::Nat, false, true, true},
            {MediaRelayMode::Nat, true, true, true},
        };
        for (const auto &r : rows)
            CPPUNIT_ASSERT_EQUAL(r.relay, relay_media(r.mode, r.caller, r.callee));
    }
    void behind_nat_table() {
        CPPUNIT_ASSERT(sdp_behind_nat(sdp("10.0.0.5"), "198.51.100.1"));
        CPPUNIT_ASSERT(!sdp_behind_nat(sdp("198.51.100.1"), "198.51.100.1"));
        CPPUNIT_ASSERT(!sdp_behind_nat("", "198.51.100.1"));   // no SDP says nothing
        CPPUNIT_ASSERT(!sdp_behind_nat(sdp("10.0.0.5"), ""));  // no source known
        CPPUNIT_ASSERT(!sdp_behind_nat("v=0\r\nm=video 5 RTP/AVP 96\r\n", "198.51.100.1"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanSipMediaRelayTest);
