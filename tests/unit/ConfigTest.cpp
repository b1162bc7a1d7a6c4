// Unit tests for the .conf parser and its error messages.
#include <cppunit/extensions/HelperMacros.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "vce/Config.h"

using vce::Config;
using vce::ConfigError;

class ConfigTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConfigTest);
    CPPUNIT_TEST(sections_keys_arrows_comments);
    CPPUNIT_TEST(escaped_semicolon);
    CPPUNIT_TEST(missing_bracket_names_line);
    CPPUNIT_TEST(key_outside_section);
    CPPUNIT_TEST(line_without_equals);
    CPPUNIT_TEST(bad_integer_and_bool);
    CPPUNIT_TEST(include_follows_relative_file);
    CPPUNIT_TEST(missing_include_names_includer);
    CPPUNIT_TEST(include_loop_refused);
    CPPUNIT_TEST_SUITE_END();

public:
    void sections_keys_arrows_comments() {
        Config c = Config::parse(
            "; top comment\n[general]\nnode_id = box1 ; trailing\n\n[modules]\nload => "
            "res_pgsql.so\n"
            "load=>chan_sip.so\nnoload = chan_tdm.so\n",
            "t.conf");
        CPPUNIT_ASSERT_EQUAL(size_t(2), c.sections().size());
        CPPUNIT_ASSERT_EQUAL(std::string("box1"), c.section("general")->get("node_id"));
        auto loads = c.section("modules")->all("load");
        CPPUNIT_ASSERT_EQUAL(size_t(2), loads.size());
        CPPUNIT_ASSERT(loads[0]->arrow);
        CPPUNIT_ASSERT_EQUAL(std::string("chan_sip.so"), loads[1]->value);
        CPPUNIT_ASSERT_EQUAL(7, loads[1]->line);
        CPPUNIT_ASSERT(!c.section("modules")->find("noload")->arrow);
        CPPUNIT_ASSERT(c.section("nothing") == nullptr);
    }
    void escaped_semicolon() {
        Config c = Config::parse("[a]\nx = one\\;two ; comment\n", "t.conf");
        CPPUNIT_ASSERT_EQUAL(std::string("one;two"), c.section("a")->get("x"));
    }
    static std::string error_of(const std::string &text) {
        try {
            Config::parse(text, "bad.conf");
        } catch (const ConfigError &e) {
            return e.what();
        }
        return "";
    }
    void missing_bracket_names_line() {
        CPPUNIT_ASSERT_EQUAL(std::string("bad.conf:3: expected ']' to close the section name"),
                             error_of("[a]\nx=1\n[general\n"));
    }
    void key_outside_section() {
        CPPUNIT_ASSERT_EQUAL(
            std::string("bad.conf:1: 'x' is outside any [section]; expected a [section] first"),
            error_of("x = 1\n"));
    }
    void line_without_equals() {
        std::string e = error_of("[a]\njust words\n");
        CPPUNIT_ASSERT_MESSAGE(e, e.rfind("bad.conf:2: expected 'key = value'", 0) == 0);
    }
    void bad_integer_and_bool() {
        Config c = Config::parse("[a]\nport = 50x\nflag = maybe\nok = 42\n", "x.conf");
        CPPUNIT_ASSERT_EQUAL(42L, c.section("a")->get_int("ok", 0));
        CPPUNIT_ASSERT_EQUAL(7L, c.section("a")->get_int("absent", 7));
        try {
            c.section("a")->get_int("port", 0);
            CPPUNIT_FAIL("no error for 50x");
        } catch (const ConfigError &e) {
            CPPUNIT_ASSERT_EQUAL(
                std::string("x.conf:2: expected a whole number for 'port', got '50x'"),
                std::string(e.what()));
        }
        CPPUNIT_ASSERT_THROW(c.section("a")->get_bool("flag", false), ConfigError);
    }
    void include_follows_relative_file() {
        std::string dir = "/tmp/vce-configtest-" + std::to_string(getpid());
        std::string cmd = "mkdir -p " + dir;
        CPPUNIT_ASSERT_EQUAL(0, std::system(cmd.c_str()));
        std::ofstream(dir + "/main.conf") << "[general]\na = 1\n#include \"extra.conf\"\n";
        std::ofstream(dir + "/extra.conf") << "[more]\nb = 2\n";
        Config c = Config::load(dir + "/main.conf");
        CPPUNIT_ASSERT_EQUAL(std::string("2"), c.section("more")->get("b"));
        CPPUNIT_ASSERT_EQUAL(dir + "/extra.conf", c.section("more")->find("b")->file);
        std::system(("rm -rf " + dir).c_str());
    }
    void missing_include_names_includer() {
        std::string e = error_of("[a]\n#include nothere.conf\n");
        CPPUNIT_ASSERT_MESSAGE(
            e, e.rfind("bad.conf:2: cannot open included file ./nothere.conf", 0) == 0);
    }
    void include_loop_refused() {
        std::string dir = "/tmp/vce-configloop-" + std::to_string(getpid());
        std::system(("mkdir -p " + dir).c_str());
        std::ofstream(dir + "/loop.conf") << "[a]\n#include loop.conf\n";
        try {
            Config::load(dir + "/loop.conf");
            CPPUNIT_FAIL("include loop accepted");
        } catch (const ConfigError &e) {
            CPPUNIT_ASSERT(std::string(e.what()).find("nested more than 10 deep") !=
                           std::string::npos);
        }
        std::system(("rm -rf " + dir).c_str());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfigTest);
