// app_route: the pure parts building the bundle from SQL rows, SIP address helpers, the PSTN
// trunk rewrite, trusted lines and the reload pacer; and RouteCore over fake host and database
// (load, Route() in a dialplan, credentials, trusted peers, a failed load, routing from threads).
#include <cppunit/extensions/HelperMacros.h>
#include <event2/event.h>

#include <chrono>
#include <map>
#include <thread>

#include "dialplan/Execution.h"
#include "modules/app_route/ReloadPacer.h"
#include "modules/app_route/RouteCore.h"
#include "modules/app_route/RouteData.h"
#include "routing/Router.h"
#include "vce/DialplanService.h"
#include "vce/Host.h"
#include "vce/Log.h"
#include "vce/WorkQueue.h"

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
// A trusted => line of app_route.conf as RouteOptions holds it.
std::pair<vce::routing::Network, vce::routing::Peer> trusted_line(const std::string &line) {
    std::pair<vce::routing::Network, vce::routing::Peer> t;
    std::string err;
    CPPUNIT_ASSERT_MESSAGE(err, vce::approute::parse_trusted(line, "from-centres", t, err));
    return t;
}

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
        using vce::routing::Reach;
        RouteOptions o;
        o.trusted = {trusted_line("127.0.0.1,from-trunks"), trusted_line("192.0.2.1,from-partner")};
        auto rows = demo_rows();
        rows.push_back(row(
            {"peer", "de-gw", "trunk", "203.0.113.0/24", "from-gateways", "pstn", "4", "2.50"}));
        rows.push_back(
            row({"peer", "bad", "box", "not-a-network", "from-centres", "own", nullptr, nullptr}));
        auto d = build_route_data(rows, o);
        // Centres and carriers by address reach our own numbers only.
        const auto *carrier = d->peers.find("198.51.100.7");
        CPPUNIT_ASSERT(carrier);
        CPPUNIT_ASSERT_EQUAL(std::string("from-centres"), carrier->context);
        CPPUNIT_ASSERT(carrier->reach == Reach::Own);
        CPPUNIT_ASSERT_EQUAL(std::string("carrier Hanul VoIP"), carrier->name);
        CPPUNIT_ASSERT_EQUAL(std::string("from-partner"),
                             d->peers.find("192.0.2.1")->context);  // config wins
        CPPUNIT_ASSERT_EQUAL(std::string("from-trunks"), d->peers.find("127.0.0.1")->context);
        CPPUNIT_ASSERT(d->peers.find("127.0.0.1")->reach == Reach::Own);
        // A peers row: a network, its reach and limits.
        const auto *gw = d->peers.find("203.0.113.77");
        CPPUNIT_ASSERT(gw);
        CPPUNIT_ASSERT_EQUAL(std::string("de-gw"), gw->name);
        CPPUNIT_ASSERT(gw->reach == Reach::Pstn);
        CPPUNIT_ASSERT_EQUAL(4, gw->max_channels);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(2.5, gw->max_cps, 1e-9);
        CPPUNIT_ASSERT(!d->peers.find("203.0.114.1"));
        CPPUNIT_ASSERT(!d->peers.find("kr.centre.vce.test"));  // names: no DNS
        CPPUNIT_ASSERT_EQUAL(size_t(4), d->counts.trusted);
        CPPUNIT_ASSERT(d->warnings.back().find("peer 'bad'") != std::string::npos);
        // What a call needs to be sent to a carrier's centre.
        CPPUNIT_ASSERT(d->reach_needed.at("198.51.100.7:5060") == Reach::Carriers);
        CPPUNIT_ASSERT(!d->reach_needed.count("192.0.2.1:5060"));
        RouteOptions sip;
        sip.pstn_trunk = "SIP/127.0.0.1:5090";
        CPPUNIT_ASSERT(build_route_data(demo_rows(), sip)->reach_needed.at("127.0.0.1:5090") ==
                       Reach::Pstn);
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
        CPPUNIT_ASSERT_EQUAL(std::string("kr.centre.vce.test:5060"),
                             sip_hostport("sip:kr.centre.vce.test:5060"));
        CPPUNIT_ASSERT_EQUAL(std::string("10.0.0.1:5061"),
                             sip_hostport("sips:gw@10.0.0.1:5061;transport=tls"));
        CPPUNIT_ASSERT_EQUAL(std::string("[2001:db8::1]:5060"),
                             sip_hostport("sip:[2001:db8::1]:5060"));
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
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/127.0.0.1:5090"),
                             normalise_trunk("SIP/127.0.0.1:5090/"));
        CPPUNIT_ASSERT_EQUAL(std::string(), normalise_trunk(""));
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/127.0.0.1:5090/0234567890"),
                             rewrite_pstn("TDM/pstnsim/0234567890", "SIP/127.0.0.1:5090"));
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/0262006200082"),
                             rewrite_pstn("SIP/0262006200082", "SIP/x:1"));
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
        using vce::routing::Reach;
        std::pair<vce::routing::Network, vce::routing::Peer> t;
        std::string err;
        CPPUNIT_ASSERT(parse_trusted("127.0.0.1,from-trunks", "from-centres", t, err));
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), t.first.text());
        CPPUNIT_ASSERT_EQUAL(std::string("from-trunks"), t.second.context);
        CPPUNIT_ASSERT(t.second.reach == Reach::Own);  // nothing more unless it says so
        CPPUNIT_ASSERT(parse_trusted(" [::1] ", "from-centres", t, err));
        CPPUNIT_ASSERT_EQUAL(std::string("::1"), t.first.text());
        CPPUNIT_ASSERT_EQUAL(std::string("from-centres"), t.second.context);
        CPPUNIT_ASSERT(parse_trusted("192.0.2.0/24, from-centres, pstn", "x", t, err));
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.0/24"), t.first.text());
        CPPUNIT_ASSERT(t.second.reach == Reach::Pstn);
        CPPUNIT_ASSERT(parse_trusted("192.0.2.9,,carriers", "from-centres", t, err));
        CPPUNIT_ASSERT_EQUAL(std::string("from-centres"), t.second.context);
        CPPUNIT_ASSERT(t.second.reach == Reach::Carriers);
        CPPUNIT_ASSERT(!parse_trusted("peer.example.net,from-centres", "from-centres", t, err));
        CPPUNIT_ASSERT(err.find("not an IP address") != std::string::npos);
        CPPUNIT_ASSERT(!parse_trusted("192.0.2.9,from-centres,everything", "x", t, err));
        CPPUNIT_ASSERT(err.find("reach 'everything' is own") != std::string::npos);
        CPPUNIT_ASSERT(!parse_trusted("192.0.2.9,a,own,extra", "x", t, err));
        CPPUNIT_ASSERT(err.find("no more") != std::string::npos);
    }

    void testPacerCoalesces() {
        using Ms = ReloadPacer::Ms;
        ReloadPacer p(Ms(200));
        auto t = ReloadPacer::Clock::time_point() + std::chrono::seconds(100);
        CPPUNIT_ASSERT(p.request(t) == Ms(0));  // first: at once
        CPPUNIT_ASSERT(!p.request(t));          // already scheduled
        p.started(t);
        CPPUNIT_ASSERT(!p.finished(t + Ms(10)));  // nothing arrived meanwhile
        auto d = p.request(t + Ms(50));           // a burst right after: wait out the gap
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

namespace {

class FakeHost : public Host {
public:
    FakeHost() : base_(event_base_new()) {}
    ~FakeHost() override { event_base_free(base_); }
    event_base *loop() override { return base_; }
    // As on the core thread: posted work (the builder thread's finished loads) runs in spin().
    void post(std::function<void()> fn) override { posted_.post(std::move(fn)); }
    const std::string &confdir() const override { return dir_; }
    Config config(const std::string &) const override { return Config::parse("", "(none)"); }
    const ConfigSection &general() const override { return general_; }
    const std::string &statedir() const override { return dir_; }
    const std::string &node() const override { return dir_; }
    void register_cli(const CliCommand &cmd) override { cli[cmd.words] = cmd; }
    void unregister_cli(const std::string &words) override { cli.erase(words); }
    void withdraw(const std::string &name) override { services.erase(name); }
    void request_shutdown() override {}
    // Runs a command; returns "status text".
    std::string run(const std::string &words, std::vector<std::string> args = {}) {
        std::string out = "(no answer)";
        auto it = cli.find(words);
        if (it == cli.end()) return "unknown";
        it->second.handler(std::make_shared<CliRequest>(
            std::move(args),
            [&out](int st, const std::string &text) { out = std::to_string(st) + " " + text; }));
        spin_until([&] { return out != "(no answer)"; });  // `route reload` answers when built
        return out;
    }
    void spin() {
        event_base_loop(base_, EVLOOP_NONBLOCK);
        posted_.drain();
    }
    // Spins until `done` says so, for at most 5 s.
    template <class F>
    void spin_until(F done) {
        for (int i = 0; i < 500 && !done(); ++i) {
            spin();
            if (!done()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }

    std::map<std::string, CliCommand> cli;
    std::map<std::string, void *> services;
    WorkQueue posted_;

protected:
    bool provide_raw(const std::string &name, const char *, void *svc) override {
        return services.emplace(name, svc).second;
    }
    void *service_raw(const std::string &name, const char *) const override {
        auto it = services.find(name);
        return it == services.end() ? nullptr : it->second;
    }

private:
    event_base *base_;
    std::string dir_ = "/nonexistent-app-route-test";
    ConfigSection general_;
};

class FakeDatabase : public Database {
public:
    void query(const std::string &, SqlParams, ResultCallback done) override {
        ++queries;
        SqlResult r;
        r.ok = ok;
        if (ok)
            r.rows = rows;
        else
            r.error = "relation \"aliases\" does not exist";
        done(r);
    }
    WriteAdmission write(const std::string &, SqlParams, CommitCallback) override {
        return WriteAdmission::Closed;
    }
    int listen(const std::string &channel, NotifyCallback cb) override {
        listened = channel;
        notify = std::move(cb);
        return 7;
    }
    void unlisten(int id) override {
        if (id == 7) notify = nullptr;
    }
    int on_connection(std::function<void(bool)> cb) override {
        conn = std::move(cb);
        return 1;
    }
    void off_connection(int id) override {
        if (id == 1) conn = nullptr;
    }
    bool connected() const override { return up; }
    size_t queued_writes() const override { return 0; }

    std::vector<Row> rows = demo_rows();
    bool ok = true, up = false;
    int queries = 0;
    std::string listened;
    NotifyCallback notify;
    std::function<void(bool)> conn;
};

}  // namespace

class AppRouteCoreTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AppRouteCoreTest);
    CPPUNIT_TEST(testLoadsWhenConnected);
    CPPUNIT_TEST(testRouteApplication);
    CPPUNIT_TEST(testFailedLoadKeepsData);
    CPPUNIT_TEST(testStopWithdrawsEverything);
    CPPUNIT_TEST(testRoutesFromThreads);
    CPPUNIT_TEST_SUITE_END();

    FakeHost *host_ = nullptr;
    FakeDatabase *db_ = nullptr;
    DialplanService *dp_ = nullptr;
    std::shared_ptr<RouteCore> core_;

public:
    LogLevel level_ = LogLevel::Notice;

    void setUp() override {
        level_ = log::level();
        log::set_level(LogLevel::Error);  // the loads' notices would drown the test lines
        host_ = new FakeHost;
        db_ = new FakeDatabase;
        dp_ = new DialplanService(*host_, "/nonexistent");
        host_->provide<DialplanService>(services::kDialplan, dp_);
        RouteOptions o;
        o.pstn_trunk = "SIP/127.0.0.1:5090";
        o.trusted = {trusted_line("127.0.0.1,from-trunks")};
        core_ = std::make_shared<RouteCore>(*host_, *db_, o);
        std::string why;
        CPPUNIT_ASSERT_MESSAGE(why, core_->start(why));
    }
    void tearDown() override {
        core_->stop();
        core_.reset();
        delete dp_;
        delete db_;
        delete host_;
        log::set_level(level_);
    }

    // The database comes up; waits for the first load (built on app_route's builder thread).
    void up() {
        db_->up = true;
        db_->conn(true);
        host_->spin_until([&] { return core_->generation() > 0; });
    }

    void testLoadsWhenConnected() {
        CPPUNIT_ASSERT_EQUAL(std::string("vce_routing"), db_->listened);
        CPPUNIT_ASSERT_EQUAL(0, db_->queries);
        CPPUNIT_ASSERT_EQUAL(503, core_->route("02-6200-6200-082", "").sip_status);
        up();
        CPPUNIT_ASSERT_EQUAL(1, db_->queries);
        CPPUNIT_ASSERT_EQUAL(1UL, core_->generation());
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/0262006200082"),
                             core_->route("02-6200-6200-082", "").target);
        // A burst of notifications right after a load: one more load, after the gap.
        for (int i = 0; i < 5; ++i) db_->notify("vce_routing", "aliases");
        host_->spin();
        CPPUNIT_ASSERT_EQUAL(1, db_->queries);
        std::string out = host_->run("route reload");
        CPPUNIT_ASSERT_EQUAL(std::string("0 routing data reloaded: generation 2"),
                             out.substr(0, 37));
        CPPUNIT_ASSERT_EQUAL(2, db_->queries);
        CPPUNIT_ASSERT(host_->run("route show").find("numbers:         2") != std::string::npos);
    }

    void testRouteApplication() {
        up();
        auto plan = dialplan::Dialplan::parse(
            "[from-members]\nexten => _X.,1,Route(${EXTEN})\n same => n,Set(T=${ROUTE_TARGET})\n"
            " same => n,Hangup()\n",
            "test.conf");
        dialplan::Execution exec(plan, dp_->registry(), "from-members", "0234567890");
        exec.set("CALL_REACH", "pstn");  // a member
        exec.run();
        CPPUNIT_ASSERT_EQUAL(std::string("pstn"), exec.get("ROUTE_CLASS"));
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/127.0.0.1:5090/0234567890"), exec.get("T"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), exec.get("ROUTE_STATUS"));
        // The caller's country picks the branch of a company number.
        auto plan2 = dialplan::Dialplan::parse("[c]\nexten => _X.,1,Route(${EXTEN})\n", "t2.conf");
        dialplan::Execution e2(plan2, dp_->registry(), "c", "62006200");
        e2.set("CALLERID_NUM", "0262006200082");
        e2.run();
        CPPUNIT_ASSERT_EQUAL(std::string("62006200#082"), e2.get("ROUTE_NUMBER"));
    }

    void testFailedLoadKeepsData() {
        up();
        db_->ok = false;
        std::string out = host_->run("route reload");
        CPPUNIT_ASSERT_EQUAL(std::string("1 reload failed, keeping generation 1"),
                             out.substr(0, 37));
        CPPUNIT_ASSERT_EQUAL(1UL, core_->generation());
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/0262006200082"),
                             core_->route("02-6200-6200-082", "").target);
        CPPUNIT_ASSERT(host_->run("route show").find("does not exist") != std::string::npos);
    }

    void testStopWithdrawsEverything() {
        up();
        CPPUNIT_ASSERT(host_->service<RouteService>(services::kRouter) == core_.get());
        auto acc = core_->account("0262006200082");
        CPPUNIT_ASSERT(acc && acc->realm == "vce.local");
        CPPUNIT_ASSERT(!core_->account("nobody"));
        CPPUNIT_ASSERT_EQUAL(std::string("from-trunks"), core_->peer_at("127.0.0.1")->context);
        CPPUNIT_ASSERT_EQUAL(std::string("from-centres"), core_->peer_at("198.51.100.7")->context);
        CPPUNIT_ASSERT(!core_->peer_at("203.0.113.1"));
        CPPUNIT_ASSERT(core_->reach_needed_at("127.0.0.1:5090") == vce::routing::Reach::Pstn);
        CPPUNIT_ASSERT(core_->reach_needed_at("192.0.2.1:5060") == vce::routing::Reach::Own);
        core_->stop();
        CPPUNIT_ASSERT(host_->service<RouteService>(services::kRouter) == nullptr);
        CPPUNIT_ASSERT(!dp_->registry().application("Route"));
        CPPUNIT_ASSERT(!host_->cli.count("route test") && !host_->cli.count("route show") &&
                       !host_->cli.count("route reload"));
        CPPUNIT_ASSERT(!db_->notify);
        CPPUNIT_ASSERT(!db_->conn);
    }

    void testRoutesFromThreads() {
        up();
        std::atomic<int> bad{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&] {
                for (int i = 0; i < 2000; ++i)
                    if (core_->route("02-6200-6200-082", "").target != "SIP/0262006200082") ++bad;
            });
        for (int i = 0; i < 20; ++i) host_->run("route reload");
        for (auto &th : threads) th.join();
        CPPUNIT_ASSERT_EQUAL(0, bad.load());
        CPPUNIT_ASSERT_EQUAL(21UL, core_->generation());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AppRouteCoreTest);
