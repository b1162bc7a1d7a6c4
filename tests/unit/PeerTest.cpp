// routing/Peer: networks, the most specific peer for an address, and what each reach allows.
#include <cppunit/extensions/HelperMacros.h>

#include "routing/Peer.h"

using namespace vce::routing;

class PeerTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PeerTest);
    CPPUNIT_TEST(networksParseOrSayWhy);
    CPPUNIT_TEST(callerIdForms);
    CPPUNIT_TEST(mostSpecificNetworkWins);
    CPPUNIT_TEST(sameNetworkAddedAgainReplaces);
    CPPUNIT_TEST(reachAllowsOnlyWhatItSays);
    CPPUNIT_TEST(unsetReachIsOwnNumbersOnly);
    CPPUNIT_TEST_SUITE_END();

    static Peer peer(const std::string &name, Reach r = Reach::Own) {
        Peer p;
        p.name = name;
        p.reach = r;
        return p;
    }
    static Network net(const std::string &s) {
        Network n;
        std::string why;
        CPPUNIT_ASSERT_MESSAGE(s + ": " + why, Network::parse(s, n, why));
        return n;
    }

public:
    void callerIdForms() {
        const auto &t = vce::numplan::CountryTable::builtin();
        struct Row {
            const char *e164;
            vce::routing::CallerIdForm form;
            const char *want;
        } rows[] = {
            {"+82262006200", vce::routing::CallerIdForm::E164, "+82262006200"},
            {"+82262006200", vce::routing::CallerIdForm::National, "0262006200"},
            {"+12125550100", vce::routing::CallerIdForm::National, "12125550100"},
            {"+4930123456", vce::routing::CallerIdForm::National, "030123456"},
            {"0262006200082", vce::routing::CallerIdForm::E164, ""},  // not E.164
            {"", vce::routing::CallerIdForm::National, ""},
            {"+82", vce::routing::CallerIdForm::National, ""},  // a country code alone
            {"+82-2-62", vce::routing::CallerIdForm::E164, ""},
        };
        for (const Row &r : rows)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.e164, std::string(r.want),
                                         vce::routing::caller_id_in_form(r.e164, r.form, t));
        CPPUNIT_ASSERT(vce::routing::parse_caller_id_form("national") ==
                       vce::routing::CallerIdForm::National);
        CPPUNIT_ASSERT(!vce::routing::parse_caller_id_form("local"));
    }
    void networksParseOrSayWhy() {
        struct {
            const char *in;
            bool ok;
            const char *text;  // canonical form, or a word the error must hold
        } rows[] = {
            {"192.0.2.10", true, "192.0.2.10"},
            {"192.0.2.77/24", true, "192.0.2.0/24"},
            {"10.1.2.3/9", true, "10.0.0.0/9"},
            {"0.0.0.0/0", true, "0.0.0.0/0"},
            {"[2001:db8::1]", true, "2001:db8::1"},
            {"2001:db8:ff::/32", true, "2001:db8::/32"},
            {"192.0.2.1/33", false, "at most /32"},
            {"::1/129", false, "at most /128"},
            {"192.0.2.1/", false, "must be a number"},
            {"192.0.2.1/x", false, "must be a number"},
            {"centre.example.com", false, "not an IP address"},
            {"", false, "not an IP address"},
            {"300.1.1.1", false, "not an IP address"},
        };
        for (const auto &r : rows) {
            Network n;
            std::string why;
            bool ok = Network::parse(r.in, n, why);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.in, r.ok, ok);
            if (ok)
                CPPUNIT_ASSERT_EQUAL_MESSAGE(r.in, std::string(r.text), n.text());
            else
                CPPUNIT_ASSERT_MESSAGE(r.in + std::string(": ") + why,
                                       why.find(r.text) != std::string::npos);
        }
    }

    void mostSpecificNetworkWins() {
        PeerTable t;
        t.add(net("192.0.2.0/24"), peer("carrier"));
        t.add(net("192.0.2.10"), peer("centre", Reach::Pstn));
        t.add(net("2001:db8::/32"), peer("v6"));
        struct {
            const char *ip;
            const char *peer;  // "" = none
        } rows[] = {
            {"192.0.2.10", "centre"}, {"192.0.2.11", "carrier"},
            {"192.0.3.10", ""},       {"[2001:db8::5]", "v6"},
            {"2001:db9::5", ""},      {"::ffff:192.0.2.10", ""},
            {"not an address", ""},   {"", ""},
        };
        for (const auto &r : rows) {
            const Peer *p = t.find(r.ip);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.ip, std::string(r.peer), p ? p->name : std::string());
        }
    }

    void sameNetworkAddedAgainReplaces() {
        PeerTable t;
        t.add(net("192.0.2.10"), peer("from the centres table"));
        t.add(net("192.0.2.10/32"), peer("from app_route.conf", Reach::Pstn));
        CPPUNIT_ASSERT_EQUAL(size_t(1), t.size());
        CPPUNIT_ASSERT_EQUAL(std::string("from app_route.conf"), t.find("192.0.2.10")->name);
        CPPUNIT_ASSERT(t.find("192.0.2.10")->reach == Reach::Pstn);
    }

    void reachAllowsOnlyWhatItSays() {
        struct {
            RouteClass cls;
            Reach needed;
        } rows[] = {
            {RouteClass::Local, Reach::Own},        {RouteClass::OwnNumber, Reach::Own},
            {RouteClass::VnsBranch, Reach::Own},    {RouteClass::RemoteCentre, Reach::Own},
            {RouteClass::Carrier, Reach::Carriers}, {RouteClass::Pstn, Reach::Pstn},
        };
        for (const auto &r : rows)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(class_name(r.cls), std::string(reach_name(r.needed)),
                                         std::string(reach_name(reach_needed(r.cls))));
        CPPUNIT_ASSERT(parse_reach("pstn") == Reach::Pstn);
        CPPUNIT_ASSERT(parse_reach("carriers") == Reach::Carriers);
        CPPUNIT_ASSERT(parse_reach("own") == Reach::Own);
        CPPUNIT_ASSERT(!parse_reach("PSTN"));
        CPPUNIT_ASSERT(!parse_reach("all"));
    }

    void unsetReachIsOwnNumbersOnly() {
        CPPUNIT_ASSERT(reach_of_variable("") == Reach::Own);
        CPPUNIT_ASSERT(reach_of_variable("everything") == Reach::Own);
        CPPUNIT_ASSERT(reach_of_variable("pstn") == Reach::Pstn);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PeerTest);
