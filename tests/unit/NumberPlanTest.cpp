// Table-driven tests of the number plan: the seed's examples and the awkward cases.
#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "numplan/NumberPlan.h"

using vce::numplan::CountryTable;
using vce::numplan::Kind;
using vce::numplan::NumberPlan;

namespace {

struct Good {
    const char *text;
    const char *home;
    Kind kind;
    const char *canonical;
    const char *written;
    const char *country;
};

struct Bad {
    const char *text;
    const char *home;
    const char *error_prefix;
};

std::string where(const char *text) {
    return std::string("input '") + text + "'";
}

}  // namespace

class NumberPlanTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(NumberPlanTest);
    CPPUNIT_TEST(testAccepted);
    CPPUNIT_TEST(testRefused);
    CPPUNIT_TEST(testPinParts);
    CPPUNIT_TEST(testPinLooksLikePstnPlusThree);
    CPPUNIT_TEST(testHashAtEnd);
    CPPUNIT_TEST(testAliasCaseFolding);
    CPPUNIT_TEST(testCarrierLongestPrefix);
    CPPUNIT_TEST(testCountryTableFromRows);
    CPPUNIT_TEST(testRejectsBadRows);
    CPPUNIT_TEST(testPstnOf);
    CPPUNIT_TEST_SUITE_END();

public:
    // The PSTN number an edge box falls back to, by the kind of number dialled.
    void testPstnOf() {
        static const struct {
            const char *text, *home, *expected;
        } rows[] = {
            {"02-6200-6200-082", "049", "+82262006200"},  // a PIN: its area and local number
            {"0262006200082", "082", "+82262006200"},
            {"030-1234-5678-049", "082", "+493012345678"},
            {"+82 2 6200 6200", "001", "+82262006200"},  // PSTN as it is
            {"02-6200-6200", "082", "+82262006200"},     // national, in the home country
            {"070-1234-5678", "082", "+827012345678"},   // another carrier's: its E.164
            {"6200-6200#082", "082", ""},                // a company number: none
            {"kim@example.com", "082", ""},              // an alias: none
            {"62006200", "082", ""},                     // bare digits (a VNS base): none
            {"02-6200-6200-999", "082", ""},             // an unknown country: none
            {"", "082", ""},
        };
        const NumberPlan plan;
        for (const auto &r : rows)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, std::string(r.expected),
                                         plan.pstn_of(r.text, r.home));
    }

    void testAccepted() {
        static const Good cases[] = {
            // The seed's PIN (Table 1) and VNS (Table 2).
            {"02-6200-6200-082", "082", Kind::Pin, "0262006200082", "02-6200-6200-082", "082"},
            {"02 6200 6200 082", "001", Kind::Pin, "0262006200082", "02-6200-6200-082", "082"},
            {"0262006200082", "082", Kind::Pin, "0262006200082", "02-6200-6200-082", "082"},
            {"6200-6200#082", "082", Kind::Vns, "62006200#082", "6200-6200#082", "082"},
            {"6200-6200#001", "082", Kind::Vns, "62006200#001", "6200-6200#001", "001"},
            {"62006200%23081", "082", Kind::Vns, "62006200#081", "6200-6200#081", "081"},
            {"sip:6200-6200%23082@vce.example", "082", Kind::Vns, "62006200#082", "6200-6200#082",
             "082"},
            {"sip:0262006200082@vce.example;transport=udp", "", Kind::Pin, "0262006200082",
             "02-6200-6200-082", "082"},
            // PSTN in every written form.
            {"+82 2 6200 6200", "001", Kind::Pstn, "+82262006200", "+82 262006200", "082"},
            {"+82-2-6200-6200", "", Kind::Pstn, "+82262006200", "+82 262006200", "082"},
            {"00 82 2 6200 6200", "082", Kind::Pstn, "+82262006200", "+82 262006200", "082"},
            {"011 1 212 555 1234", "001", Kind::Pstn, "+12125551234", "+1 2125551234", "001"},
            {"02-6200-6200", "082", Kind::Pstn, "+82262006200", "+82 262006200", "082"},
            {"(02) 6200.6200", "082", Kind::Pstn, "+82262006200", "+82 262006200", "082"},
            {"010-1234-5678", "082", Kind::Pstn, "+821012345678", "+82 1012345678", "082"},
            {"1-212-555-1234", "001", Kind::Pstn, "+12125551234", "+1 2125551234", "001"},
            {"tel:+44-20-7946-0000", "", Kind::Pstn, "+442079460000", "+44 2079460000", "044"},
            // Another carrier's range.
            {"070-1234-5678", "082", Kind::Carrier, "+827012345678", "+82 7012345678", "082"},
            // Aliases.
            {"example.com", "082", Kind::Alias, "example.com", "example.com", ""},
            {"Kim@Example.COM", "082", Kind::Alias, "kim@example.com", "kim@example.com", ""},
            {"sip:Kim@Example.com:5060", "082", Kind::Alias, "kim@example.com", "kim@example.com",
             ""},
            {"<sip:sales@Example.com>", "082", Kind::Alias, "sales@example.com",
             "sales@example.com", ""},
            // Plain digits: accounts, VNS bases, feature codes.
            {"1000000", "082", Kind::Digits, "1000000", "1000000", ""},
            {"6200-6200", "082", Kind::Digits, "62006200", "62006200", ""},
            {"*98", "082", Kind::Digits, "*98", "*98", ""},
        };
        NumberPlan plan;
        for (const Good &c : cases) {
            auto r = plan.parse(c.text, c.home);
            CPPUNIT_ASSERT_MESSAGE(where(c.text) + ": " + r.error, r.ok);
            CPPUNIT_ASSERT_MESSAGE(where(c.text) + " kind " + kind_name(r.number.kind),
                                   r.number.kind == c.kind);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(where(c.text), std::string(c.canonical),
                                         r.number.canonical);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(where(c.text), std::string(c.written), r.number.written);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(where(c.text), std::string(c.country), r.number.country);
        }
    }

    void testRefused() {
        static const Bad cases[] = {
            {"", "082", "empty number"},
            {"02-6200-6200-999", "082", "country code 999 is unknown"},
            {"0262006200999", "082", "country code 999 is unknown"},
            {"+999 1234 5678", "082", "country code 999 is unknown"},
            {"6200-6200#999", "082", "country code 999 is unknown"},
            {"02-620-082", "082", "local number too short for area 02"},
            {"02-6200-62000-082", "082", "local number too long for area 02"},
            {"6200-6200#82", "082", "a VNS number needs a three-digit country code"},
            {"6200#082#001", "082", "more than one '#'"},
            {"#082", "082", "no number before '#'"},
            {"+82 2 62", "082", "number too short for country 082"},
            {"02-62", "082", "national number too short for country 082"},
            {"12+34", "082", "'+' is allowed only at the start"},
            {"kim@", "082", "alias has no domain"},
            {"localhost", "082", "'localhost' is not a number, a domain"},
            {"sip:bad%2", "082", "bad %-escape"},
            {"#", "082", "no digits before '#'"},
        };
        NumberPlan plan;
        for (const Bad &c : cases) {
            auto r = plan.parse(c.text, c.home);
            CPPUNIT_ASSERT_MESSAGE(where(c.text) + " was accepted as " + r.number.canonical, !r.ok);
            CPPUNIT_ASSERT_MESSAGE(
                where(c.text) + ": got '" + r.error + "'",
                r.error.compare(0, std::string(c.error_prefix).size(), c.error_prefix) == 0);
        }
    }

    void testPinParts() {
        NumberPlan plan;
        auto r = plan.parse("02-6200-6200-082", "082");
        CPPUNIT_ASSERT(r.ok);
        CPPUNIT_ASSERT_EQUAL(std::string("02"), r.number.area);
        CPPUNIT_ASSERT_EQUAL(std::string("62006200"), r.number.local);
        CPPUNIT_ASSERT_EQUAL(std::string("+82262006200"), r.number.e164);
        auto us = plan.parse("212-555-1234-001", "082");
        CPPUNIT_ASSERT_MESSAGE(us.error, us.ok);
        CPPUNIT_ASSERT(us.number.kind == Kind::Pin);
        CPPUNIT_ASSERT_EQUAL(std::string("212"), us.number.area);
        CPPUNIT_ASSERT_EQUAL(std::string("+12125551234"), us.number.e164);
        CPPUNIT_ASSERT_EQUAL(std::string("212-555-1234-001"), us.number.written);
    }

    // 02-6200-6200 is a Seoul PSTN number; 02-6200-6200-082 its PIN, too long to be a
    // national number. In Germany (6 to 11 digits) a Berlin PIN with a five-digit local
    // number is also a valid national number: the written groups decide, undecorated
    // digits stay national at home and are a PIN abroad.
    void testPinLooksLikePstnPlusThree() {
        NumberPlan plan;
        auto seoul = plan.parse("0262006200082", "082");
        CPPUNIT_ASSERT(seoul.ok && seoul.number.kind == Kind::Pin);
        auto pin = plan.parse("030-12345-049", "049");
        CPPUNIT_ASSERT_MESSAGE(pin.error, pin.ok);
        CPPUNIT_ASSERT(pin.number.kind == Kind::Pin);
        CPPUNIT_ASSERT_EQUAL(std::string("03012345049"), pin.number.canonical);
        CPPUNIT_ASSERT_EQUAL(std::string("+493012345"), pin.number.e164);
        auto nat = plan.parse("03012345049", "049");
        CPPUNIT_ASSERT_MESSAGE(nat.error, nat.ok);
        CPPUNIT_ASSERT(nat.number.kind == Kind::Pstn);
        CPPUNIT_ASSERT_EQUAL(std::string("+493012345049"), nat.number.canonical);
        auto abroad = plan.parse("03012345049", "001");
        CPPUNIT_ASSERT(abroad.ok && abroad.number.kind == Kind::Pin);
    }

    void testHashAtEnd() {
        NumberPlan plan;
        auto a = plan.parse("02-6200-6200#", "082");
        CPPUNIT_ASSERT_MESSAGE(a.error, a.ok);
        CPPUNIT_ASSERT(a.number.end_of_dialling);
        CPPUNIT_ASSERT_EQUAL(std::string("+82262006200"), a.number.canonical);
        auto b = plan.parse("6200-6200#", "082");
        CPPUNIT_ASSERT(b.ok && b.number.kind == Kind::Digits && b.number.end_of_dialling);
        CPPUNIT_ASSERT_EQUAL(std::string("62006200"), b.number.canonical);
        auto c = plan.parse("6200-6200#082#", "082");
        CPPUNIT_ASSERT(c.ok && c.number.kind == Kind::Vns && c.number.end_of_dialling);
        auto d = plan.parse("02-6200-6200-082%23", "082");
        CPPUNIT_ASSERT(d.ok && d.number.kind == Kind::Pin && d.number.end_of_dialling);
    }

    void testAliasCaseFolding() {
        NumberPlan plan;
        const char *forms[] = {"KIM@EXAMPLE.COM", "kim@example.com", "Kim@Example.Com.",
                               "sip:KIM@example.COM", "sips:kim@EXAMPLE.com;transport=tls"};
        for (const char *f : forms) {
            auto r = plan.parse(f, "082");
            CPPUNIT_ASSERT_MESSAGE(where(f) + ": " + r.error, r.ok);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(where(f), std::string("kim@example.com"),
                                         r.number.canonical);
        }
    }

    void testCarrierLongestPrefix() {
        CountryTable t;
        for (const auto &c : CountryTable::builtin().countries()) t.add(c);
        t.add_carrier_prefix("+8270", "generic");
        t.add_carrier_prefix("+827012", "specific");
        t.add_carrier_prefix("+8271", "other");
        NumberPlan plan(t);
        auto a = plan.parse("070-1234-5678", "082");
        CPPUNIT_ASSERT(a.ok && a.number.kind == Kind::Carrier);
        CPPUNIT_ASSERT_EQUAL(std::string("specific"), a.number.carrier);
        auto b = plan.parse("070-9234-5678", "082");
        CPPUNIT_ASSERT_EQUAL(std::string("generic"), b.number.carrier);
        auto c = plan.parse("+82 2 6200 6200", "082");
        CPPUNIT_ASSERT(c.number.kind == Kind::Pstn && c.number.carrier.empty());
    }

    void testCountryTableFromRows() {
        CountryTable t;
        t.add({"033", "France", "0", "00", 9, 9, {{"01", 8, 8}, {"06", 8, 8}}});
        NumberPlan plan(t);
        auto a = plan.parse("01 42 68 53 00", "033");
        CPPUNIT_ASSERT_MESSAGE(a.error, a.ok);
        CPPUNIT_ASSERT_EQUAL(std::string("+33142685300"), a.number.canonical);
        auto b = plan.parse("01-4268-5300-033", "033");
        CPPUNIT_ASSERT(b.ok && b.number.kind == Kind::Pin);
        auto c = plan.parse("02-6200-6200-082", "033");
        CPPUNIT_ASSERT(!c.ok);
        CPPUNIT_ASSERT_EQUAL(std::string("country code 082 is unknown"), c.error);
    }

    void testRejectsBadRows() {
        CountryTable t;
        CPPUNIT_ASSERT_THROW(t.add({"82", "x", "0", "00", 8, 10, {}}), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(t.add({"082", "x", "0", "00", 10, 8, {}}), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(t.add({"082", "x", "0", "00", 8, 10, {{"0A", 7, 8}}}),
                             std::invalid_argument);
        CPPUNIT_ASSERT_THROW(t.add_carrier_prefix("8270", "x"), std::invalid_argument);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(NumberPlanTest);
