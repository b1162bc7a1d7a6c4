// app_route's pure parts: building the bundle from SQL rows, SIP address helpers, the PSTN
// trunk rewrite, trusted lines and the reload pacer.
#include <cppunit/extensions/HelperMacros.h>

#include "modules/app_route/ReloadPacer.h"
#include "modules/app_route/RouteData.h"
#include "routing/Router.h"

using namespace vce;
using namespace vce::approute;

namespace {

using Row = std::vector<SqlParam>;

Row row(std::initializer_list<const char *> cols) {
    Row r;
    for (const char *c : cols) r.push_back(c ? SqlParam(c) : std::nullopt);
    return r;
}

// The demo data, as the one statement returns it.
std::vector<Row> demo_rows() {
    return {
        row({"setting", "sip.realm", "vce.local"}),
        row({"country", "082", "Korea", "0", "00", "8", "10", "02"}),
        row({"country", "001", "United States", "1", "011", "10", "10", "212"}),
        row({"country", "049", "Germany", "0", "00", "6", "11", "030"}),
        row({"country", "081", "Japan", "0", "010", "9", "10", "03"}),
        row({"area", "082", "02"}),
        row({"area", "049", "0301"}),
        row({"centre", "2", "Berlin centre", "049", "sip:de.centre.vce.test:5060", "own", "10"}),
        row({"centre", "1", "Seoul centre", "082", "sip:kr.centre.vce.test:5060", "own", "10"}),
        row({"centre", "3", "US partner centre", "001", "sip:192.0.2.1:5060", "peer", "10"}),
        row({"carrier", "1", "Hanul VoIP", "sip:198.51.100.7:5060", "8270"}),
        row({"trunk", "1", "pstnsim-kr", "pstnsim", "082", "10", nullptr}),
        row({"trunk", "2", "pstnsim-us", "pstnsim", "001", "20", nullptr}),
        row({"rate", "82", "0.0200"}),
        row({"rate", "8270", "0.0100"}),
        row({"rate", "1", "0.0100"}),
        row({"rate", "49", "0.0250"}),
        row({"account", "0262006200082", "vce.local", "0123456789abcdef0123456789abcdef",
             "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "+82234567890"}),
        row({"account", "62006200#082", "", "ffffffffffffffffffffffffffffffff",
             "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "+82262000000"}),
        row({"number", "0262006200082", "0262006200082", "+82234567890"}),
        row({"number", "0301234567049", nullptr, "+49301234567"}),
        row({"branch", "62006200", "082", "62006200#082", "+82262000000"}),
        row({"branch", "62006200", "001", nullptr, "+12125550100"}),
        row({"alias", "example.com", "62006200"}),
        row({"alias", "minji.kim@example.org", "0262006200082"}),
        row({"alias", "gone@example.org", "0299999999082"}),  // number not routed: skipped
    };
}

}  // namespace

class AppRouteTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AppRouteTest);
    CPPUNIT_TEST(testBuildCounts);
    CPPUNIT_TEST(testRoutesDemo);
    CPPUNIT_TEST(testCredentials);
    CPPUNIT_TEST(testTrusted);
    CPPUNIT_TEST(testHomeCountry);
    CPPUNIT_TEST(testCentreOption);
    CPPUNIT_TEST(testBadRowSkipped);
    CPPUNIT_TEST(testSipHostport);
    CPPUNIT_TEST(testPstnRewrite);
    CPPUNIT_TEST(testParseTrusted);
    CPPUNIT_TEST(testPacerCoalesces);
    CPPUNIT_TEST(testPacerAgainAfterRunning);
    CPPUNIT_TEST_SUITE_END();

public:
    void testBuildCounts() {
        auto d = build_route_data(demo_rows(), {});
        CPPUNIT_ASSERT_EQUAL(size_t(4), d->counts.countries);
        CPPUNIT_ASSERT_EQUAL(size_t(3), d->counts.centres);
        CPPUNIT_ASSERT_EQUAL(size_t(1), d->counts.carriers);
        CPPUNIT_ASSERT_EQUAL(size_t(1), d->counts.carrier_prefixes);
        CPPUNIT_ASSERT_EQUAL(size_t(2), d->counts.trunks);
        CPPUNIT_ASSERT_EQUAL(size_t(4), d->counts.rates);
        CPPUNIT_ASSERT_EQUAL(size_t(2), d->counts.accounts);
        CPPUNIT_ASSERT_EQUAL(size_t(2), d->counts.numbers);
        CPPUNIT_ASSERT_EQUAL(size_t(2), d->counts.branches);
        CPPUNIT_ASSERT_EQUAL(size_t(2), d->counts.aliases);
        CPPUNIT_ASSERT_EQUAL(size_t(1), d->counts.skipped);
        CPPUNIT_ASSERT(d->warnings[0].find("gone@example.org") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("Seoul centre"), d->self_centre);
        CPPUNIT_ASSERT_EQUAL(std::string("082"), d->home_country);
    }

    void testRoutesDemo() {
        auto d = build_route_data(demo_rows(), {});
        routing::Router r;
        auto pin = r.route(*d->snapshot, "02-6200-6200-082", "", d->home_country);
        CPPUNIT_ASSERT_EQUAL(std::string("own-number"), std::string(routing::class_name(pin.cls)));
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/0262006200082"), pin.target);
        auto branch = r.route(*d->snapshot, "6200-6200#082", "", d->home_country);
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/62006200#082"), branch.target);
        auto us = r.route(*d->snapshot, "6200-6200#001", "", d->home_country);
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/192.0.2.1:5060/62006200%23001"), us.target);
        auto de = r.route(*d->snapshot, "030-1234-567-049", "", d->home_country);
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/de.centre.vce.test:5060/0301234567049"), de.target);
        auto alias = r.route(*d->snapshot, "example.com", "", d->home_country);
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/62006200#082"), alias.target);
        auto carrier = r.route(*d->snapshot, "070-1234-5678", "", d->home_country);
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/198.51.100.7:5060/+827012345678"), carrier.target);
        auto pstn = r.route(*d->snapshot, "02-3456-7890", "", d->home_country);
        CPPUNIT_ASSERT_EQUAL(std::string("TDM/pstnsim/0234567890"), pstn.target);
        auto nowhere = r.route(*d->snapshot, "02-1234-5678-999", "", d->home_country);
        CPPUNIT_ASSERT_EQUAL(404, nowhere.sip_status);
    }

    void testCredentials() {
        auto d = build_route_data(demo_rows(), {});
        auto it = d->accounts.find("62006200#082");
        CPPUNIT_ASSERT(it != d->accounts.end());
        CPPUNIT_ASSERT_EQUAL(std::string("vce.local"), it->second.realm);  // from settings
        RouteOptions o;
        o.realm = "example.net";
        auto d2 = build_route_data(demo_rows(), o);
        CPPUNIT_ASSERT_EQUAL(std::string("example.net"), d2->accounts.at("62006200#082").realm);
        CPPUNIT_ASSERT_EQUAL(std::string("vce.local"), d2->accounts.at("0262006200082").realm);
        CPPUNIT_ASSERT_EQUAL(size_t(32), d2->accounts.at("0262006200082").ha1_md5.size());
    }

    void testTrusted() {
        RouteOptions o;
        o.trusted = {{"127.0.0.1", "from-trunks"}, {"192.0.2.1", "from-partner"}};
        auto d = build_route_data(demo_rows(), o);
        CPPUNIT_ASSERT_EQUAL(std::string("from-centres"), d->trusted.at("198.51.100.7"));
        CPPUNIT_ASSERT_EQUAL(std::string("from-partner"), d->trusted.at("192.0.2.1"));  // config wins
        CPPUNIT_ASSERT_EQUAL(std::string("from-trunks"), d->trusted.at("127.0.0.1"));
        CPPUNIT_ASSERT(d->trusted.find("kr.centre.vce.test") == d->trusted.end());  // names: no DNS
        CPPUNIT_ASSERT_EQUAL(size_t(3), d->counts.trusted);
    }

    void testHomeCountry() {
        auto rows = demo_rows();
        rows.push_back(row({"setting", "home_country", "049"}));
        auto d = build_route_data(rows, {});
        CPPUNIT_ASSERT_EQUAL(std::string("049"), d->home_country);
        CPPUNIT_ASSERT_EQUAL(std::string("Berlin centre"), d->self_centre);
        RouteOptions o;
        o.home_country = "001";
        CPPUNIT_ASSERT_EQUAL(std::string("001"), build_route_data(rows, o)->home_country);
        o.home_country = "82";
        CPPUNIT_ASSERT_THROW(build_route_data(rows, o), std::invalid_argument);
    }

    void testCentreOption() {
        RouteOptions o;
        o.centre = "Berlin centre";
        auto d = build_route_data(demo_rows(), o);
        CPPUNIT_ASSERT_EQUAL(std::string("Berlin centre"), d->self_centre);
        routing::Router r;
        auto pin = r.route(*d->snapshot, "02-6200-6200-082", "", d->home_country);
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/kr.centre.vce.test:5060/0262006200082"), pin.target);
        o.centre = "Atlantis";
        CPPUNIT_ASSERT_THROW(build_route_data(demo_rows(), o), std::invalid_argument);
    }

    void testBadRowSkipped() {
        auto rows = demo_rows();
        rows.push_back(row({"trunk", "9", "broken", "grp", "0x2", "10", nullptr}));
        rows.push_back(row({"rate", "44", "cheap"}));
        auto d = build_route_data(rows, {});
        CPPUNIT_ASSERT_EQUAL(size_t(3), d->counts.skipped);
        CPPUNIT_ASSERT_EQUAL(size_t(2), d->counts.trunks);
    }

    void testSipHostport() {
        CPPUNIT_ASSERT_EQUAL(std::string("kr.centre.vce.test:5060"), sip_hostport("sip:kr.centre.vce.test:5060"));
        CPPUNIT_ASSERT_EQUAL(std::string("10.0.0.1:5061"), sip_hostport("sips:gw@10.0.0.1:5061;transport=tls"));
        CPPUNIT_ASSERT_EQUAL(std::string("[2001:db8::1]:5060"), sip_hostport("sip:[2001:db8::1]:5060"));
        CPPUNIT_ASSERT_EQUAL(std::string("10.0.0.1"), host_of("10.0.0.1:5060"));
        CPPUNIT_ASSERT_EQUAL(std::string("2001:db8::1"), host_of("[2001:db8::1]:5060"));
        CPPUNIT_ASSERT_EQUAL(std::string("::1"), host_of("::1"));
        CPPUNIT_ASSERT_EQUAL(std::string("example.net"), host_of("example.net"));
        CPPUNIT_ASSERT(is_ip_literal("127.0.0.1"));
        CPPUNIT_ASSERT(is_ip_literal("2001:db8::1"));
        CPPUNIT_ASSERT(!is_ip_literal("example.net"));
        CPPUNIT_ASSERT(!is_ip_literal(""));
    }

    void testPstnRewrite() {
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/127.0.0.1:5090"), normalise_trunk("127.0.0.1:5090"));
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/127.0.0.1:5090"), normalise_trunk("SIP/127.0.0.1:5090/"));
        CPPUNIT_ASSERT_EQUAL(std::string(), normalise_trunk(""));
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/127.0.0.1:5090/0234567890"),
                             rewrite_pstn("TDM/pstnsim/0234567890", "SIP/127.0.0.1:5090"));
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/0262006200082"), rewrite_pstn("SIP/0262006200082", "SIP/x:1"));
        CPPUNIT_ASSERT_EQUAL(std::string("TDM/grp"), rewrite_pstn("TDM/grp", "SIP/x:1"));
        routing::Decision d;
        d.target = "SIP/0262006200082";
        d.pstn_fallback = "TDM/pstnsim/0234567890";
        routing::Trace t;
        apply_pstn_trunk(d, "SIP/127.0.0.1:5090", &t);
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/0262006200082"), d.target);
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/127.0.0.1:5090/0234567890"), d.pstn_fallback);
        CPPUNIT_ASSERT_EQUAL(size_t(1), t.steps.size());
        apply_pstn_trunk(d, "", &t);
        CPPUNIT_ASSERT_EQUAL(size_t(1), t.steps.size());
    }

    void testParseTrusted() {
        std::pair<std::string, std::string> t;
        std::string err;
        CPPUNIT_ASSERT(parse_trusted("127.0.0.1,from-trunks", "from-centres", t, err));
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), t.first);
        CPPUNIT_ASSERT_EQUAL(std::string("from-trunks"), t.second);
        CPPUNIT_ASSERT(parse_trusted(" [::1] ", "from-centres", t, err));
        CPPUNIT_ASSERT_EQUAL(std::string("::1"), t.first);
        CPPUNIT_ASSERT_EQUAL(std::string("from-centres"), t.second);
        CPPUNIT_ASSERT(!parse_trusted("peer.example.net,from-centres", "from-centres", t, err));
        CPPUNIT_ASSERT(err.find("not an IP address") != std::string::npos);
    }

    void testPacerCoalesces() {
        using Ms = ReloadPacer::Ms;
        ReloadPacer p(Ms(200));
        auto t = ReloadPacer::Clock::time_point() + std::chrono::seconds(100);
        CPPUNIT_ASSERT(p.request(t) == Ms(0));  // first: at once
        CPPUNIT_ASSERT(!p.request(t));          // already scheduled
        p.started(t);
        CPPUNIT_ASSERT(!p.finished(t + Ms(10)));  // nothing arrived meanwhile
        auto d = p.request(t + Ms(50));         // a burst right after: wait out the gap
        CPPUNIT_ASSERT(d && *d == Ms(150));
        CPPUNIT_ASSERT(!p.request(t + Ms(60)));
        p.started(t + Ms(200));
        p.finished(t + Ms(210));
        CPPUNIT_ASSERT(p.request(t + Ms(900)) == Ms(0));  // long after: at once
    }

    void testPacerAgainAfterRunning() {
        using Ms = ReloadPacer::Ms;
        ReloadPacer p(Ms(200));
        auto t = ReloadPacer::Clock::time_point() + std::chrono::seconds(100);
        p.request(t);
        p.started(t);
        CPPUNIT_ASSERT(!p.request(t + Ms(20)));  // during the load: remembered
        CPPUNIT_ASSERT(!p.request(t + Ms(30)));
        auto again = p.finished(t + Ms(120));
        CPPUNIT_ASSERT(again && *again == Ms(80));
        CPPUNIT_ASSERT(p.scheduled());
        p.started(t + Ms(200));
        CPPUNIT_ASSERT(!p.finished(t + Ms(210)));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AppRouteTest);
