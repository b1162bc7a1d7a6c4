// chan_tdm's pure pieces: tdm.conf parsing (with file:line errors), Dial targets, dialable digits.
#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "modules/chan_tdm/TdmConfig.h"

using namespace vce;
using namespace vce::tdm;

namespace {

const char *kGood = R"([general]
country = de
inter_digit_ms = 1500

[phones]
type = virtual
path = /tmp/x-phones.sock
channels = 2
signalling = fxs
law = ulaw
group = phones
context = from-analog
callerid = 0262006200082
line => 2, callerid=0262006200083, callername=Lee

[pstn]
type = virtual
path = /tmp/x-pstn.sock
channels = 3
signalling = fxo
context = from-trunks
group = trunks
echo = off
)";

TdmConfig parse(const std::string &text) {
    return parse_tdm_config(Config::parse(text, "tdm.conf"), false);
}

std::string error(const std::string &text) {
    try {
        parse(text);
    } catch (const ConfigError &e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

class ChanTdmConfigTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanTdmConfigTest);
    CPPUNIT_TEST(test_good);
    CPPUNIT_TEST(test_errors_name_file_and_line);
    CPPUNIT_TEST(test_dial_target);
    CPPUNIT_TEST(test_dialable_digits);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_good() {
        TdmConfig c = parse(kGood);
        CPPUNIT_ASSERT_EQUAL(std::string("de"), c.country);
        CPPUNIT_ASSERT_EQUAL(1500, c.inter_digit_ms);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), c.spans.size());
        const SpanConfig &p = c.spans[0];
        CPPUNIT_ASSERT(p.role == dsp::ChannelRole::Fxs);
        CPPUNIT_ASSERT(p.law == dsp::Law::Ulaw);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), p.lines.size());
        CPPUNIT_ASSERT_EQUAL(std::string("0262006200082"), p.lines[0].callerid);
        CPPUNIT_ASSERT_EQUAL(std::string("0262006200083"), p.lines[1].callerid);
        CPPUNIT_ASSERT_EQUAL(std::string("Lee"), p.lines[1].callername);
        CPPUNIT_ASSERT_EQUAL(std::string("from-analog"), p.lines[1].context);
        const SpanConfig &t = c.spans[1];
        CPPUNIT_ASSERT(t.role == dsp::ChannelRole::Fxo);
        CPPUNIT_ASSERT(t.echo == dsp::EchoMode::Off);
        CPPUNIT_ASSERT_EQUAL(3, t.lines.back().number);
        CPPUNIT_ASSERT_EQUAL(std::string("trunks"), t.lines.back().group);
        CPPUNIT_ASSERT(c.has_group("trunks"));
        CPPUNIT_ASSERT(!c.has_group("nope"));
    }

    void test_errors_name_file_and_line() {
        CPPUNIT_ASSERT(
            error("[general]\ncountry = xx\n").find("tdm.conf:2: unknown country 'xx'") == 0);
        const std::string no_sig =
            "[s]\ntype = virtual\npath = /tmp/a\nchannels = 1\ncontext = c\n";
        CPPUNIT_ASSERT(error(no_sig).find("tdm.conf:1: span [s]: signalling") == 0);
        CPPUNIT_ASSERT(
            error("[s]\ntype = virtual\nchannels = 0\n").find("tdm.conf:3: channels must be") == 0);
        CPPUNIT_ASSERT(error("[s]\ntype = dahdi\n").find("tdm.conf:2: type = dahdi, but") == 0);
        CPPUNIT_ASSERT(error("[s]\nlaw = slaw\n").find("tdm.conf:2: law must be") == 0);
        CPPUNIT_ASSERT(error("[s]\nsignalling = em\n").find("tdm.conf:2: signalling must be") == 0);
        CPPUNIT_ASSERT(error("[s]\nfoo = 1\n").find("tdm.conf:2: unknown key 'foo'") == 0);
        const std::string bad_line = no_sig + "signalling = fxs\nline => 2, group=x\n";
        CPPUNIT_ASSERT(error(bad_line).find("tdm.conf:7: line must be a number from 1 to 1") == 0);
        const std::string mixed =
            "[a]\ntype = virtual\npath = /tmp/a\nchannels = 1\nsignalling = fxs\ncontext = c\n"
            "group = g\n[b]\ntype = virtual\npath = /tmp/b\nchannels = 1\nsignalling = fxo\n"
            "context = c\ngroup = g\n";
        CPPUNIT_ASSERT(error(mixed).find("mixes fxs and fxo") != std::string::npos);
        const std::string same_path =
            "[a]\ntype = virtual\npath = /tmp/a\nchannels = 1\nsignalling = fxs\n"
            "context = c\n[b]\ntype = virtual\npath = /tmp/a\nchannels = 1\n"
            "signalling = fxo\ncontext = c\n";
        CPPUNIT_ASSERT(error(same_path).find("tdm.conf:7: span [b]: path /tmp/a is used") == 0);
    }

    void test_dial_target() {
        DialTarget t;
        CPPUNIT_ASSERT(parse_dial_target("trunks/0212345678", t));
        CPPUNIT_ASSERT_EQUAL(std::string("trunks"), t.group);
        CPPUNIT_ASSERT_EQUAL(std::string("0212345678"), t.number);
        CPPUNIT_ASSERT(parse_dial_target("phones", t));
        CPPUNIT_ASSERT(t.number.empty());
        CPPUNIT_ASSERT(!parse_dial_target("", t));
        CPPUNIT_ASSERT(!parse_dial_target("a/b/c", t));
        CPPUNIT_ASSERT(!parse_dial_target("bad group/1", t));
    }

    void test_dialable_digits() {
        std::string d;
        CPPUNIT_ASSERT(dialable_digits("02-1234 5678", d));
        CPPUNIT_ASSERT_EQUAL(std::string("0212345678"), d);
        CPPUNIT_ASSERT(dialable_digits("*31#0", d));
        CPPUNIT_ASSERT_EQUAL(std::string("*31#0"), d);
        CPPUNIT_ASSERT(!dialable_digits("+82212345678", d));
        CPPUNIT_ASSERT(!dialable_digits("abc", d));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanTdmConfigTest);
