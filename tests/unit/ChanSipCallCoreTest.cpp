// chan_sip's call core in one process, over real SIP on 127.0.0.1 (libre's test/sipsess.c is
// the model): a chan_sip Engine on its own SIP thread places calls through the channel
// technology "SIP" (SipChannel -> OutboundCall: fork set, dialogs, CANCEL, BYE, CDRs) to phones
// that are separate nta agents on their own threads, each answering from a script. Checked:
// fork to three bindings, the first 2xx wins and the others are cancelled, a late 2xx is ACKed
// and BYEd, the Dial timeout, a CANCEL racing a 200, BYE from either side, a re-INVITE from
// the callee, and the 486 / 480 / 408 outcomes with their DIALSTATUS and CDR rows.
#include <cppunit/extensions/HelperMacros.h>
#include <sofia-sip/nta.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tag.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "modules/chan_sip/Dialog.h"
#include "modules/chan_sip/Engine.h"
#include "modules/chan_sip/SipChannel.h"
#include "modules/chan_sip/SipLoop.h"
#include "vce/Database.h"
#include "vce/Host.h"
#include "vce/WorkQueue.h"

using namespace vce;
using namespace vce::sip;
using Clock = std::chrono::steady_clock;

namespace {

// The daemon's side as chan_sip sees it: closures posted to "the core" run on the test's
// thread when it pumps; services by name; no CLI.
class TestHost : public Host {
public:
    event_base *loop() override { return nullptr; }
    void post(std::function<void()> fn) override { core_.post(std::move(fn)); }
    const std::string &confdir() const override { return dir_; }
    Config config(const std::string &) const override { return Config::parse("", "test"); }
    const ConfigSection &general() const override { return general_; }
    const std::string &statedir() const override { return dir_; }
    const std::string &node() const override { return node_; }
    void register_cli(const CliCommand &) override {}
    void unregister_cli(const std::string &) override {}
    void withdraw(const std::string &name) override {
        std::lock_guard<std::mutex> l(m_);
        services_.erase(name);
    }
    void request_shutdown() override {}
    void pump() { core_.drain(); }

protected:
    bool provide_raw(const std::string &name, const char *, void *svc) override {
        std::lock_guard<std::mutex> l(m_);
        return services_.emplace(name, svc).second;
    }
    void *service_raw(const std::string &name, const char *) const override {
        std::lock_guard<std::mutex> l(m_);
        auto it = services_.find(name);
        return it == services_.end() ? nullptr : it->second;
    }

private:
    WorkQueue core_;
    std::string dir_ = "/tmp", node_ = "test";
    ConfigSection general_;
    mutable std::mutex m_;
    std::map<std::string, void *> services_;
};

// Takes the CDR rows chan_sip writes (the durable queue is res_pgsql's, tested elsewhere):
// every write is accepted and committed at once; the row's parameters are kept.
class CdrRows : public Database {
public:
    void query(const std::string &, SqlParams, ResultCallback done) override {
        SqlResult r;
        r.ok = true;
        done(r);
    }
    WriteAdmission write(const std::string &sql, SqlParams params, CommitCallback done) override {
        if (sql.find("cdr_record(") != std::string::npos) {
            std::lock_guard<std::mutex> l(m_);
            rows_.push_back(params);
        }
        if (done) done(true, "");
        return WriteAdmission::Accepted;
    }
    int listen(const std::string &, NotifyCallback) override { return 1; }
    void unlisten(int) override {}
    int on_connection(std::function<void(bool)>) override { return 1; }
    void off_connection(int) override {}
    bool connected() const override { return true; }
    size_t queued_writes() const override { return 0; }
    // disposition (parameter 13) and sip_status (14) of every row so far
    std::vector<std::string> dispositions() const {
        std::lock_guard<std::mutex> l(m_);
        std::vector<std::string> out;
        for (const auto &p : rows_)
            out.push_back(p[12].value_or("") + "/" + (p[13] ? *p[13] : std::string("-")));
        return out;
    }

private:
    mutable std::mutex m_;
    std::vector<SqlParams> rows_;
};

// What a phone does with an INVITE.
struct Script {
    int final_status = 200;  // 0: never answers (rings until cancelled)
    int answer_after_ms = 100;
    bool answer_on_cancel = false;       // answers 200 as the CANCEL arrives (a 2xx crossing it)
    bool reinvite_after_answer = false;  // sends a re-INVITE in the dialog once ACKed
    bool bye_after_answer = false;       // hangs up itself once ACKed
};

// A SIP phone: its own nta agent on its own thread, answering INVITEs from its script and
// logging every request it gets ("INVITE", "CANCEL", "ACK", "BYE") and every answer to its
// own requests ("re-INVITE 488", "BYE 200").
class Phone {
public:
    Phone(int port, Script script) : port_(port), script_(script), loop_("phone") {
        std::string err = loop_.start([this](su_root_t *root) -> std::string {
            const std::string uri = "sip:127.0.0.1:" + std::to_string(port_) + ";transport=udp";
            agent_ = nta_agent_create(root, URL_STRING_MAKE(uri.c_str()), nullptr, nullptr,
                                      NTATAG_UA(0), NTATAG_SIP_T1X64(4000), TAG_END());
            if (!agent_) return "phone cannot bind " + uri;
            leg_.reset(nta_leg_tcreate(agent_, &Phone::on_request,
                                       reinterpret_cast<nta_leg_magic_t *>(this),
                                       NTATAG_NO_DIALOG(1), TAG_END()));
            return leg_ ? "" : "phone: no default leg";
        });
        CPPUNIT_ASSERT_EQUAL(std::string(), err);
    }
    ~Phone() {
        loop_.stop([this] {
            timer_.reset();
            reinvite_.reset(), bye_.reset();
            dialog_ = Dialog();
            if (irq_) nta_incoming_destroy(irq_), irq_ = nullptr;
            leg_.reset();
            nta_agent_destroy(agent_);
        });
    }
    std::string contact() const { return "sip:kim@127.0.0.1:" + std::to_string(port_); }
    std::vector<std::string> log() const {
        std::lock_guard<std::mutex> l(m_);
        return log_;
    }
    std::string joined() const {
        std::string out;
        for (const auto &s : log()) out += (out.empty() ? "" : ",") + s;
        return out;
    }
    bool saw(const std::string &what) const {
        for (const auto &s : log())
            if (s == what) return true;
        return false;
    }

private:
    void note(const std::string &s) {
        std::lock_guard<std::mutex> l(m_);
        log_.push_back(s);
    }
    static int on_request(nta_leg_magic_t *magic, nta_leg_t *, nta_incoming_t *irq,
                          sip_t const *sip) {
        auto *p = reinterpret_cast<Phone *>(magic);
        const std::string method = sip->sip_request->rq_method_name;
        p->note(method);
        if (sip->sip_request->rq_method == sip_method_invite) return p->invite(irq, sip);
        if (sip->sip_request->rq_method == sip_method_ack) {
            nta_incoming_destroy(irq);
            p->acked();
            return 0;
        }
        if (sip->sip_request->rq_method == sip_method_bye) return 200;
        return 405;
    }
    int invite(nta_incoming_t *irq, sip_t const *sip) {
        if (irq_) return 486;  // one call at a time
        irq_ = irq;
        nta_incoming_bind(irq, &Phone::on_cancel, reinterpret_cast<nta_incoming_magic_t *>(this));
        dialog_.create_uas(agent_, &Phone::on_request, reinterpret_cast<nta_leg_magic_t *>(this),
                           irq, sip);
        nta_incoming_treply(irq, 180, "Ringing", TAG_END());
        if (script_.final_status)
            timer_.set(su_root(), script_.answer_after_ms, &Phone::on_answer_time, this);
        return 0;
    }
    su_root_t *su_root() const { return loop_.root(); }
    static void on_answer_time(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg) {
        auto *p = reinterpret_cast<Phone *>(arg);
        p->answer(p->script_.final_status);
    }
    void answer(int status) {
        if (!irq_) return;
        const std::string c = "<" + contact() + ">";
        if (status < 300)
            nta_incoming_treply(irq_, status, "OK", SIPTAG_CONTACT_STR(c.c_str()),
                                SIPTAG_CONTENT_TYPE_STR("application/sdp"),
                                SIPTAG_PAYLOAD_STR("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
                                                   "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                                                   "m=audio 40000 RTP/AVP 8\r\n"),
                                TAG_END());
        else
            nta_incoming_treply(irq_, status, sip_status_phrase(status), TAG_END());
        nta_incoming_destroy(irq_);
        irq_ = nullptr;
    }
    static int on_cancel(nta_incoming_magic_t *magic, nta_incoming_t *, sip_t const *) {
        auto *p = reinterpret_cast<Phone *>(magic);
        p->note("CANCEL");
        if (p->script_.answer_on_cancel) {  // our 200 crosses the CANCEL
            p->answer(200);
            return 0;
        }
        p->timer_.reset();
        if (p->irq_) {
            nta_incoming_treply(p->irq_, 487, "Request Terminated", TAG_END());
            nta_incoming_destroy(p->irq_);
            p->irq_ = nullptr;
        }
        return 0;
    }
    void acked() {
        if (script_.reinvite_after_answer && !reinvite_)
            reinvite_ =
                dialog_.invite(&Phone::on_own_answer,
                               reinterpret_cast<nta_outgoing_magic_t *>(this), "", TAG_END());
        else if (script_.bye_after_answer && !bye_)
            bye_ =
                dialog_.bye(&Phone::on_own_answer, reinterpret_cast<nta_outgoing_magic_t *>(this));
    }
    static int on_own_answer(nta_outgoing_magic_t *magic, nta_outgoing_t *orq, sip_t const *sip) {
        auto *p = reinterpret_cast<Phone *>(magic);
        const int status = sip ? sip->sip_status->st_status : nta_outgoing_status(orq);
        if (status < 200) return 0;
        p->note(std::string(orq == p->bye_.get() ? "BYE " : "re-INVITE ") + std::to_string(status));
        return 0;
    }

    int port_;
    Script script_;
    SipLoop loop_;
    nta_agent_t *agent_ = nullptr;
    DialogLeg leg_;
    Dialog dialog_;
    nta_incoming_t *irq_ = nullptr;
    Timer timer_;
    OutgoingTx reinvite_, bye_;
    mutable std::mutex m_;
    std::vector<std::string> log_;
};

// The events a dialled call reports to its caller (on the SIP thread), kept in order.
struct Outcome {
    std::mutex m;
    std::vector<DialEvent> events;
    void add(const DialEvent &e) {
        std::lock_guard<std::mutex> l(m);
        events.push_back(e);
    }
    bool has(DialEvent::Kind k) {
        std::lock_guard<std::mutex> l(m);
        for (const auto &e : events)
            if (e.kind == k) return true;
        return false;
    }
    DialEvent last() {
        std::lock_guard<std::mutex> l(m);
        return events.empty() ? DialEvent{} : events.back();
    }
};

constexpr int kEnginePort = 55360;
int next_phone_port = 55370;

}  // namespace

class ChanSipCallCoreTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanSipCallCoreTest);
    CPPUNIT_TEST(forkToThreeFirstAnswerWinsOthersCancelled);
    CPPUNIT_TEST(late2xxIsAckedAndByed);
    CPPUNIT_TEST(dialTimeoutCancels);
    CPPUNIT_TEST(busyBeatsNotAvailable);
    CPPUNIT_TEST(notAvailableAndNoResponse);
    CPPUNIT_TEST(callerHangsUpAfterAnswerSendsBye);
    CPPUNIT_TEST(calleeHangsUpEndsTheCall);
    CPPUNIT_TEST(cancelRacingTheAnswer);
    CPPUNIT_TEST(reinviteFromTheCalleeIsRefused);
    CPPUNIT_TEST_SUITE_END();

    std::unique_ptr<TestHost> host_;
    std::unique_ptr<CdrRows> db_;
    std::unique_ptr<Engine> engine_;
    std::unique_ptr<SipChannel> tech_;
    std::vector<std::unique_ptr<Phone>> phones_;
    std::vector<std::unique_ptr<Outcome>> outcomes_;  // outlive the calls reporting to them
    Outcome &outcome() {
        outcomes_.push_back(std::make_unique<Outcome>());
        return *outcomes_.back();
    }

    // Pumps the core's queue until pred() holds or `ms` pass.
    bool wait_until(const std::function<bool()> &pred, int ms = 5000) {
        const auto end = Clock::now() + std::chrono::milliseconds(ms);
        while (Clock::now() < end) {
            host_->pump();
            if (pred()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        host_->pump();
        return pred();
    }
    Phone &phone(Script s) {
        phones_.push_back(std::make_unique<Phone>(next_phone_port++, s));
        return *phones_.back();
    }
    // Registers the phones under account "kim" and dials SIP/kim.
    unsigned long dial(Outcome &out, int timeout_s = 5) {
        std::vector<Binding> bindings;
        int i = 0;
        for (const auto &p : phones_) {
            Binding b;
            b.aor = "kim";
            b.terminal_id = "t" + std::to_string(i++);
            b.contact = p->contact();
            b.received = b.contact.substr(b.contact.find('@') + 1);
            b.transport = "udp";
            b.expires_at = time(nullptr) + 600;
            bindings.push_back(b);
        }
        engine_->load_bindings(bindings);
        DialRequest req;
        req.resource = "kim";
        req.caller = "025551234082";
        req.call_id = "test";
        req.timeout_seconds = timeout_s;
        return tech_->dial(req, [&out](const DialEvent &e) { out.add(e); });
    }
    bool every_phone_saw(const std::string &what) {
        for (const auto &p : phones_)
            if (!p->saw(what)) return false;
        return true;
    }

public:
    void setUp() override {
        if (next_phone_port > 55390) next_phone_port = 55370;
        host_ = std::make_unique<TestHost>();
        db_ = std::make_unique<CdrRows>();
        host_->provide<Database>(services::kDatabase, db_.get());
        SipConfig cfg;
        cfg.port = kEnginePort;
        cfg.tcp = false;
        cfg.realm = cfg.domain = "vce.test";
        cfg.t1x64 = 4000;
        auto shared = std::make_shared<SharedSipState>(cfg, "secret");
        engine_ = std::make_unique<Engine>(*host_, cfg, shared);
        CPPUNIT_ASSERT_EQUAL(std::string(), engine_->start());
        tech_ = std::make_unique<SipChannel>(*engine_);
    }
    void tearDown() override {
        tech_->close();
        host_->pump();
        tech_.reset();
        engine_.reset();
        phones_.clear();
        host_->pump();
        outcomes_.clear();
        db_.reset();
        host_.reset();
    }

    void forkToThreeFirstAnswerWinsOthersCancelled() {
        Phone &a = phone({200, 300});
        Phone &b = phone({0});
        Phone &c = phone({0});
        Outcome &out = outcome();
        const unsigned long h = dial(out);
        CPPUNIT_ASSERT(h != 0);
        CPPUNIT_ASSERT(wait_until([&] { return out.has(DialEvent::Answered); }));
        CPPUNIT_ASSERT(a.saw("INVITE") && b.saw("INVITE") && c.saw("INVITE"));
        CPPUNIT_ASSERT(
            wait_until([&] { return a.saw("ACK") && b.saw("CANCEL") && c.saw("CANCEL"); }));
        CPPUNIT_ASSERT(!a.saw("CANCEL"));
        CPPUNIT_ASSERT(out.has(DialEvent::Ringing));
        tech_->hangup(h);
        CPPUNIT_ASSERT(wait_until([&] { return a.saw("BYE"); }));
        CPPUNIT_ASSERT(wait_until([&] { return db_->dispositions().size() == 1; }));
        CPPUNIT_ASSERT_EQUAL(std::string("ANSWER/200"), db_->dispositions()[0]);
    }

    void late2xxIsAckedAndByed() {
        Phone &a = phone({200, 100});
        Script late{0};
        late.answer_on_cancel = true;  // its 200 crosses our CANCEL
        Phone &b = phone(late);
        Outcome &out = outcome();
        dial(out);
        CPPUNIT_ASSERT(wait_until([&] { return out.has(DialEvent::Answered); }));
        CPPUNIT_ASSERT(wait_until([&] { return a.saw("ACK") && b.saw("CANCEL"); }));
        // The late 2xx is ACKed and its dialog ended at once with a BYE; the winner stays.
        CPPUNIT_ASSERT_MESSAGE("late phone saw " + b.joined(),
                               wait_until([&] { return b.saw("ACK") && b.saw("BYE"); }));
        CPPUNIT_ASSERT(!a.saw("BYE"));
    }

    void dialTimeoutCancels() {
        phone({0});
        Outcome &out = outcome();
        dial(out, 1);
        CPPUNIT_ASSERT(wait_until([&] { return out.has(DialEvent::Failed); }, 4000));
        CPPUNIT_ASSERT_EQUAL(std::string("NOANSWER"), out.last().dialstatus);
        CPPUNIT_ASSERT_EQUAL(480, out.last().sip_status);
        CPPUNIT_ASSERT(wait_until([&] { return every_phone_saw("CANCEL"); }));
        CPPUNIT_ASSERT(wait_until([&] { return db_->dispositions().size() == 1; }));
        CPPUNIT_ASSERT_EQUAL(std::string("NOANSWER/480"), db_->dispositions()[0]);
    }

    void busyBeatsNotAvailable() {
        phone({480, 50});
        phone({486, 150});
        phone({480, 100});
        Outcome &out = outcome();
        dial(out);
        CPPUNIT_ASSERT(wait_until([&] { return out.has(DialEvent::Failed); }));
        CPPUNIT_ASSERT_EQUAL(std::string("BUSY"), out.last().dialstatus);
        CPPUNIT_ASSERT_EQUAL(486, out.last().sip_status);
        CPPUNIT_ASSERT(wait_until([&] { return db_->dispositions().size() == 1; }));
        CPPUNIT_ASSERT_EQUAL(std::string("BUSY/486"), db_->dispositions()[0]);
    }

    void notAvailableAndNoResponse() {
        // 480 from the one phone that answers; the other binding is a port nobody listens
        // on: its INVITE fails (a transport error or 408 after t1x64 = 4 s), and 480 is the
        // failure to report.
        phone({480, 50});
        Outcome &out = outcome();
        std::vector<Binding> extra;
        Binding dead;
        dead.aor = "kim";
        dead.terminal_id = "dead";
        dead.contact = "sip:kim@127.0.0.1:55399";
        dead.received = "127.0.0.1:55399";
        dead.transport = "udp";
        dead.expires_at = time(nullptr) + 600;
        extra.push_back(dead);
        engine_->load_bindings(extra);
        dial(out, 10);
        CPPUNIT_ASSERT(wait_until([&] { return out.has(DialEvent::Failed); }, 9000));
        CPPUNIT_ASSERT_EQUAL(std::string("NOANSWER"), out.last().dialstatus);
        CPPUNIT_ASSERT_EQUAL(480, out.last().sip_status);
    }

    void callerHangsUpAfterAnswerSendsBye() {
        Phone &a = phone({200, 50});
        Outcome &out = outcome();
        const unsigned long h = dial(out);
        CPPUNIT_ASSERT(wait_until([&] { return a.saw("ACK"); }));
        tech_->hangup(h);
        CPPUNIT_ASSERT(wait_until([&] { return a.saw("BYE"); }));
        CPPUNIT_ASSERT(!out.has(DialEvent::Ended));  // no event after the caller's hangup
    }

    void calleeHangsUpEndsTheCall() {
        Script s{200, 50};
        s.bye_after_answer = true;
        Phone &a = phone(s);
        Outcome &out = outcome();
        dial(out);
        CPPUNIT_ASSERT(wait_until([&] { return out.has(DialEvent::Ended); }));
        CPPUNIT_ASSERT(wait_until([&] { return a.saw("BYE 200"); }));
        CPPUNIT_ASSERT(wait_until([&] { return db_->dispositions().size() == 1; }));
        CPPUNIT_ASSERT_EQUAL(std::string("ANSWER/200"), db_->dispositions()[0]);
    }

    void cancelRacingTheAnswer() {
        // The caller gives up just as the phone answers: either the CANCEL arrives first
        // (487) or the 200 does, and then the call is ACKed and at once ended with a BYE.
        Phone &a = phone({200, 150});
        Outcome &out = outcome();
        const unsigned long h = dial(out);
        CPPUNIT_ASSERT(wait_until([&] { return a.saw("INVITE"); }));
        std::this_thread::sleep_for(std::chrono::milliseconds(140));
        tech_->hangup(h);
        CPPUNIT_ASSERT(
            wait_until([&] { return a.saw("CANCEL") || (a.saw("ACK") && a.saw("BYE")); }));
        // Never a dialog left up: an ACKed 2xx is followed by our BYE.
        if (a.saw("ACK")) CPPUNIT_ASSERT(wait_until([&] { return a.saw("BYE"); }));
        CPPUNIT_ASSERT(wait_until([&] { return db_->dispositions().size() == 1; }));
        const std::string row = db_->dispositions()[0];
        CPPUNIT_ASSERT_MESSAGE(row, row == "CANCEL/487" || row == "ANSWER/200");
    }

    void reinviteFromTheCalleeIsRefused() {
        Script s{200, 50};
        s.reinvite_after_answer = true;
        Phone &a = phone(s);
        Outcome &out = outcome();
        const unsigned long h = dial(out);
        CPPUNIT_ASSERT(wait_until([&] { return a.saw("re-INVITE 488"); }));
        CPPUNIT_ASSERT(!out.has(DialEvent::Ended));  // the call goes on
        tech_->hangup(h);
        CPPUNIT_ASSERT(wait_until([&] { return a.saw("BYE"); }));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanSipCallCoreTest);
