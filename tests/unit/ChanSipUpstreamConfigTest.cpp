// chan_sip's [upstream:NAME] sections of sip.conf: what is accepted, the defaults, and refusals
// that name file:line and say what was expected.
#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "modules/chan_sip/UpstreamConfig.h"

using namespace vce;
using namespace vce::sip;

namespace {

std::vector<UpstreamConfig> parse(const std::string &text) {
    return UpstreamConfig::from(
        Config::parse("[general]\nbind = 127.0.0.1:5060\n" + text, "sip.conf"));
}

// The refusal's text ("sip.conf:4: ..."), or "" when the text is accepted.
std::string refusal(const std::string &text) {
    try {
        parse(text);
        return "";
    } catch (const ConfigError &e) {
        return e.what();
    }
}

}  // namespace

class ChanSipUpstreamConfigTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanSipUpstreamConfigTest);
    CPPUNIT_TEST(none_is_an_empty_list);
    CPPUNIT_TEST(a_full_section);
    CPPUNIT_TEST(defaults);
    CPPUNIT_TEST(refusals_name_the_line);
    CPPUNIT_TEST_SUITE_END();

public:
    void none_is_an_empty_list() { CPPUNIT_ASSERT(parse("").empty()); }

    void a_full_section() {
        const auto u = parse(
            "[upstream:exchange]\n"
            "servers = 192.0.2.10:5070, exchange-b.example\n"
            "transport = tcp\n"
            "domain = vce.example\n"
            "numbers = 025551234082, +49301234567, 6200-6200#082\n"
            "username = box7\n"
            "password = s3cret\n"
            "expires = 300\n"
            "context = from-exchange\n"
            "keepalive = 30\n"
            "silence_ms = 800\n"
            "redirect = follow\n"
            "[upstream:backup]\n"
            "servers = 198.51.100.1\n"
            "numbers = 025551234082\n");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), u.size());
        CPPUNIT_ASSERT_EQUAL(std::string("exchange"), u[0].name);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), u[0].servers.size());
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.10"), u[0].servers[0].host);
        CPPUNIT_ASSERT_EQUAL(5070, u[0].servers[0].port);
        CPPUNIT_ASSERT_EQUAL(std::string("exchange-b.example"), u[0].servers[1].host);
        CPPUNIT_ASSERT_EQUAL(5060, u[0].servers[1].port);
        CPPUNIT_ASSERT_EQUAL(std::string("tcp"), u[0].transport);
        CPPUNIT_ASSERT_EQUAL(std::string("vce.example"), u[0].domain);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), u[0].numbers.size());
        CPPUNIT_ASSERT_EQUAL(std::string("+49301234567"), u[0].numbers[1]);
        CPPUNIT_ASSERT_EQUAL(std::string("62006200#082"), u[0].numbers[2]);
        CPPUNIT_ASSERT_EQUAL(std::string("box7"), u[0].username);
        CPPUNIT_ASSERT_EQUAL(300u, u[0].expires);
        CPPUNIT_ASSERT_EQUAL(std::string("from-exchange"), u[0].context);
        CPPUNIT_ASSERT_EQUAL(30, u[0].keepalive_s);
        CPPUNIT_ASSERT_EQUAL(800, u[0].silence_ms);
        CPPUNIT_ASSERT(u[0].follow_redirect);
        CPPUNIT_ASSERT(!u[1].follow_redirect);  // refused unless asked for
        CPPUNIT_ASSERT_EQUAL(3, u[0].line);
        // Calls in: by the server's IP address only (a host name matches nothing).
        CPPUNIT_ASSERT(upstream_at(u, "192.0.2.10") == &u[0]);
        CPPUNIT_ASSERT(upstream_at(u, "198.51.100.1") == &u[1]);
        CPPUNIT_ASSERT(upstream_at(u, "192.0.2.11") == nullptr);
        CPPUNIT_ASSERT(upstream_at(u, "exchange-b.example") == &u[0]);  // as written
        CPPUNIT_ASSERT_EQUAL(std::string("backup"), u[1].name);
    }

    void defaults() {
        const auto u = parse("[upstream:x]\nservers = 192.0.2.1\nnumbers = 0255\n");
        CPPUNIT_ASSERT_EQUAL(std::string("udp"), u[0].transport);
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.1"), u[0].domain);  // the first server
        CPPUNIT_ASSERT_EQUAL(600u, u[0].expires);
        CPPUNIT_ASSERT(u[0].username.empty());  // each registration's number
        CPPUNIT_ASSERT_EQUAL(std::string("from-upstream"), u[0].context);
        CPPUNIT_ASSERT_EQUAL(10, u[0].keepalive_s);
        CPPUNIT_ASSERT_EQUAL(1500, u[0].silence_ms);
    }

    void refusals_name_the_line() {
        const struct {
            const char *text, *expected;
        } rows[] = {
            {"[upstream:]\nservers = a\nnumbers = 1\n",
             "sip.conf:3: [upstream:]: an upstream needs a name"},
            {"[upstream:x]\nnumbers = 1\n", "sip.conf:3: [upstream:x]: expected servers = ..."},
            {"[upstream:x]\nservers = a\n", "sip.conf:3: [upstream:x]: expected numbers = ..."},
            {"[upstream:x]\nservers =\nnumbers = 1\n",
             "sip.conf:4: [upstream:x]: expected at least one server"},
            {"[upstream:x]\nservers = a:99999\nnumbers = 1\n",
             "sip.conf:4: expected servers = HOST[:PORT], ...; 'a:99999' has no valid port"},
            {"[upstream:x]\nservers = a:5x\nnumbers = 1\n", "'a:5x' has no valid port"},
            {"[upstream:x]\nservers = :5060\nnumbers = 1\n", "':5060' is not a host"},
            {"[upstream:x]\nservers = a\nnumbers = 02/555\n",
             "sip.conf:5: [upstream:x]: '02/555' is not a number"},
            {"[upstream:x]\nservers = a\nnumbers = 1+2\n", "'1+2' is not a number"},
            {"[upstream:x]\nservers = a\nnumbers = 1\ntransport = tls\n",
             "sip.conf:6: [upstream:x]: expected transport = udp or tcp, got 'tls'"},
            {"[upstream:x]\nservers = a\nnumbers = 1\nexpires = 10\n",
             "sip.conf:6: [upstream:x]: expires is in seconds, 60..86400"},
            {"[upstream:x]\nservers = a\nnumbers = 1\nexpires = 4294967296\n",
             "expires is in seconds"},
            {"[upstream:x]\nservers = a\nnumbers = 1\nusername = u\n",
             "sip.conf:6: [upstream:x]: a username needs a password"},
            {"[upstream:x]\nservers = a\nnumbers = 1\nexpire = 60\n",
             "sip.conf:6: [upstream:x]: unknown setting 'expire'"},
            {"[upstream:x]\nservers = a\nnumbers = 1\nkeepalive = 1\n",
             "sip.conf:6: [upstream:x]: keepalive is in seconds, 2..3600 (0: none)"},
            {"[upstream:x]\nservers = a\nnumbers = 1\nsilence_ms = 50\n",
             "silence_ms is in milliseconds, 200..30000"},
            {"[upstream:x]\nservers = a\nnumbers = 1\nkeepalive = 2\nsilence_ms = 2000\n",
             "silence_ms must be shorter than the keepalive interval"},
            {"[upstream:x]\nservers = a\nnumbers = 1\nredirect = yes\n",
             "sip.conf:6: [upstream:x]: expected redirect = refuse or follow, got 'yes'"},
            {"[upstream:x]\nservers = a\nnumbers = 1\ncontext = a b\n",
             "sip.conf:6: [upstream:x]: expected context = a dialplan context name"},
            {"[upstream:x]\nservers = a\nnumbers = 1\n[upstream:x]\nservers = b\nnumbers = 2\n",
             "sip.conf:6: [upstream:x]: a second [upstream:x]"},
        };
        for (const auto &r : rows) {
            const std::string got = refusal(r.text);
            CPPUNIT_ASSERT_MESSAGE(std::string(r.text) + " -> " + got,
                                   got.find(r.expected) != std::string::npos);
        }
        CPPUNIT_ASSERT_EQUAL(std::string(""), refusal("[upstream:x]\nservers = a\nnumbers = 1\n"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanSipUpstreamConfigTest);
