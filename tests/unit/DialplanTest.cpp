// Dialplan engine tests: parsing and its errors, patterns, lookup order, execution,
// waiting applications, expressions, overlap dialling with the '#' rule.
#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "dialplan/Dialplan.h"
#include "dialplan/Execution.h"
#include "dialplan/Expression.h"
#include "dialplan/Overlap.h"
#include "dialplan/Pattern.h"

using namespace vce::dialplan;

namespace {

struct PatternCase {
    const char *pattern;
    const char *input;
    bool full, more;
};

struct BadPlan {
    const char *text;
    int line;
    const char *message_part;
};

}  // namespace

class DialplanTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DialplanTest);
    CPPUNIT_TEST(testPatterns);
    CPPUNIT_TEST(testParseErrorsNameFileAndLine);
    CPPUNIT_TEST(testExactBeforePatternAndIncludes);
    CPPUNIT_TEST(testRunSetGotoIfLabels);
    CPPUNIT_TEST(testWaitAndResume);
    CPPUNIT_TEST(testRegistryAddRemove);
    CPPUNIT_TEST(testExpressions);
    CPPUNIT_TEST(testSubstitution);
    CPPUNIT_TEST(testOverlapHashRule);
    CPPUNIT_TEST(testIncludeFilesAndShow);
    CPPUNIT_TEST(testEndsCleanly);
    CPPUNIT_TEST_SUITE_END();

public:
    void testPatterns() {
        static const PatternCase cases[] = {
            {"_X.", "1", false, true},
            {"_X.", "12", true, true},
            {"_NXX", "212", true, false},
            {"_NXX", "112", false, false},
            {"_NXX", "21", false, true},
            {"_Z!", "1", true, false},
            {"_1[2-4]X", "135", true, false},
            {"_1[2-4]X", "155", false, false},
            {"_555-XXXX", "5551234", true, false},
            {"1234", "12", false, true},
            {"12-34", "1234", true, false},
            {"_X.#", "12#", true, true},
            {"_[#*]X", "#5", true, false},
            {"_X.", "", false, true},
        };
        for (const PatternCase &c : cases) {
            Pattern p(c.pattern);
            auto m = p.match(c.input);
            std::string what = std::string(c.pattern) + " vs '" + c.input + "'";
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what + " full", c.full, m.full);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what + " more", c.more, m.more);
        }
        CPPUNIT_ASSERT(Pattern("_NXX").more_specific_than(Pattern("_X.")));
        CPPUNIT_ASSERT(Pattern("_1X").more_specific_than(Pattern("_XX")));
        CPPUNIT_ASSERT(Pattern("_X.").more_specific_than(Pattern("_!")));
        CPPUNIT_ASSERT_THROW(Pattern("_X[12"), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(Pattern("_[9-1]"), std::invalid_argument);
    }

    void testParseErrorsNameFileAndLine() {
        static const BadPlan cases[] = {
            {"exten => 1,1,NoOp()\n", 1, "before the first [context]"},
            {"[a]\n\nexten => 1,1\n", 3, "expected 'exten => pattern,priority,Application(args)'"},
            {"[a]\nexten => 1,n,NoOp()\n", 2, "priority 'n' for extension 1 with no priority"},
            {"[a]\nexten => 1,1,NoOp()\nexten => 1,1,NoOp()\n", 3, "already defined at x.conf:2"},
            {"[a]\nsame => n,NoOp()\n", 2, "'same =>' with no 'exten =>'"},
            {"[a]\nexten => _X[1,1,NoOp()\n", 2, "unclosed '['"},
            {"[a]\nexten => 1,1,Dial(x\n", 2, "expected ')' at the end of Dial(...)"},
            {"[a]\ninclude => nowhere\n", 2, "includes 'nowhere', which is not defined"},
            {"[a\n", 1, "expected ']'"},
            {"[a]\nfoo => bar\n", 2, "expected 'exten', 'same' or 'include'"},
            {"[a]\nexten => 1,x,NoOp()\n", 2, "expected a priority"},
            {"[a]\n#include other.conf\n", 2, "needs Dialplan::parse_file"},
            {"[a]\nexten => 1,1(l),NoOp()\nsame => n(l),NoOp()\n", 3, "label 'l'"},
        };
        for (const BadPlan &c : cases) {
            try {
                Dialplan::parse(c.text, "x.conf");
                CPPUNIT_FAIL(std::string("accepted: ") + c.text);
            } catch (const ParseError &e) {
                std::string what = e.what();
                CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string("x.conf"), e.file());
                CPPUNIT_ASSERT_EQUAL_MESSAGE(what, c.line, e.line());
                CPPUNIT_ASSERT_MESSAGE(what, what.find(c.message_part) != std::string::npos);
                CPPUNIT_ASSERT_MESSAGE(what,
                                       what.find("x.conf:" + std::to_string(c.line) + ": ") == 0);
            }
        }
    }

    void testExactBeforePatternAndIncludes() {
        auto dp = Dialplan::parse(
            "[top]\n"
            "include => inner\n"
            "exten => _X.,1,Set(WHO=top-any)\n"
            "exten => _1XX,1,Set(WHO=top-1xx)\n"
            "[inner]\n"
            "exten => 123,1,Set(WHO=inner-123)\n"
            "exten => 9,1,Set(WHO=inner-9)\n"
            "exten => s,1,Set(WHO=inner-s)\n",
            "t.conf");
        auto who = [&](const char *exten) {
            auto f = dp->find("top", exten);
            return f.extension ? f.context->name + ":" + f.extension->pattern.text()
                               : std::string("-");
        };
        CPPUNIT_ASSERT_EQUAL(std::string("top:_1XX"), who("123"));  // own context first
        CPPUNIT_ASSERT_EQUAL(std::string("top:_X."), who("95"));
        CPPUNIT_ASSERT_EQUAL(std::string("inner:9"), who("9"));  // _X. needs two digits
        CPPUNIT_ASSERT_EQUAL(std::string("inner:s"), who("s"));
        CPPUNIT_ASSERT_EQUAL(std::string("inner:123"),
                             std::string(dp->find("inner", "123").context->name + ":123"));
        auto dp2 = Dialplan::parse("[c]\nexten => _X.,1,NoOp()\nexten => 5551234,1,NoOp()\n", "t");
        CPPUNIT_ASSERT_EQUAL(std::string("5551234"),
                             dp2->find("c", "5551234").extension->pattern.text());
        CPPUNIT_ASSERT(dp->can_match("top", "1"));
        CPPUNIT_ASSERT(!dp->can_match("inner", "5"));
        CPPUNIT_ASSERT(dp->match_more("inner", "12"));
        CPPUNIT_ASSERT(!dp->match_more("inner", "123"));
        CPPUNIT_ASSERT(dp->exists("top", "s"));
    }

    void testRunSetGotoIfLabels() {
        auto dp = Dialplan::parse(
            "[globals]\nGREETING=hello\n"
            "[c]\n"
            "exten => _1X.,1,Set(N=${EXTEN:1})\n"
            " same => n,GotoIf($[${N} > 50]?big:small)\n"
            " same => n(small),Set(SIZE=small)\n"
            " same => n,Goto(done)\n"
            " same => n(big),Set(SIZE=big)\n"
            " same => n(done),Set(MSG=${GREETING} ${SIZE} ${LEN(${N})})\n"
            " same => n,Goto(other,s,1)\n"
            "[other]\n"
            "exten => s,1,Set(WHERE=${CONTEXT}/${EXTEN}/${PRIORITY})\n"
            " same => n,Hangup(16)\n",
            "r.conf");
        Registry reg;
        Execution small(dp, reg, "c", "142");
        CPPUNIT_ASSERT(small.run() == Execution::State::Ended);
        CPPUNIT_ASSERT_EQUAL(std::string("hangup"), small.end_reason());
        CPPUNIT_ASSERT_EQUAL(std::string("hello small 2"), small.get("MSG"));
        CPPUNIT_ASSERT_EQUAL(std::string("other/s/1"), small.get("WHERE"));
        CPPUNIT_ASSERT_EQUAL(std::string("16"), small.get("HANGUPCAUSE"));
        Execution big(dp, reg, "c", "199");
        big.run();
        CPPUNIT_ASSERT_EQUAL(std::string("hello big 2"), big.get("MSG"));
    }

    void testWaitAndResume() {
        auto dp = Dialplan::parse(
            "[c]\n"
            "exten => _X.,1,Dial(SIP/${EXTEN},30)\n"
            " same => n,GotoIf($[\"${DIALSTATUS}\" = \"ANSWER\"]?done)\n"
            " same => n,Dial(TDM/pstn/${EXTEN})\n"
            " same => n(done),Hangup()\n",
            "w.conf");
        Registry reg;
        reg.add_application("Dial", [](Execution &, const std::vector<std::string> &) {
            return AppResult::wait();
        });
        Execution x(dp, reg, "c", "1000");
        CPPUNIT_ASSERT(x.run() == Execution::State::Waiting);
        CPPUNIT_ASSERT_EQUAL(std::string("Dial"), x.waiting_app());
        CPPUNIT_ASSERT_EQUAL(std::string("SIP/1000"), x.waiting_args()[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("30"), x.waiting_args()[1]);
        CPPUNIT_ASSERT(x.run() == Execution::State::Waiting);  // no resume yet: still waiting
        x.resume({{"DIALSTATUS", "NOANSWER"}});
        CPPUNIT_ASSERT(x.run() == Execution::State::Waiting);
        CPPUNIT_ASSERT_EQUAL(std::string("TDM/pstn/1000"), x.waiting_args()[0]);
        x.resume({{"DIALSTATUS", "ANSWER"}});
        CPPUNIT_ASSERT(x.run() == Execution::State::Ended);
        CPPUNIT_ASSERT_EQUAL(4, x.priority());
    }

    void testRegistryAddRemove() {
        Registry reg;
        CPPUNIT_ASSERT(reg.application("goto") && reg.application("GOTOIF") &&
                       reg.application("Set"));
        CPPUNIT_ASSERT(reg.add_application(
            "Route",
            [](Execution &, const std::vector<std::string> &) { return AppResult::next(); }));
        CPPUNIT_ASSERT(!reg.add_application("route", nullptr));
        auto held = reg.application("Route");
        CPPUNIT_ASSERT(reg.remove_application("ROUTE"));
        CPPUNIT_ASSERT(!reg.application("Route"));
        CPPUNIT_ASSERT(held);  // a call running it keeps it
        auto dp = Dialplan::parse("[c]\nexten => 1,1,Route(x)\n", "m.conf");
        Execution x(dp, reg, "c", "1");
        x.run();
        CPPUNIT_ASSERT_EQUAL(std::string("unknown application 'Route' at m.conf:2"),
                             x.end_reason());
        reg.add_function("UPPER", {[](Execution &, const std::vector<std::string> &a) {
                                       std::string s = a.empty() ? "" : a[0];
                                       for (char &c : s) c = static_cast<char>(toupper(c));
                                       return s;
                                   },
                                   nullptr});
        Execution y(dp, reg, "c", "1");
        CPPUNIT_ASSERT_EQUAL(std::string("ABC"), y.substitute("${UPPER(abc)}"));
    }

    void testExpressions() {
        struct {
            const char *expr, *value;
        } cases[] = {
            {"1 + 2 * 3", "7"},
            {"(1 + 2) * 3", "9"},
            {"10 / 3", "3"},
            {"10 % 3", "1"},
            {"2 > 10", "0"},
            {"\"b\" > \"a\"", "1"},
            {"\"ANSWER\" = \"ANSWER\"", "1"},
            {"\"BUSY\" = \"ANSWER\"", "0"},
            {"!0", "1"},
            {"0 | 5", "5"},
            {"3 & 0", "0"},
            {"3 & 4", "3"},
            {"-2 + 1", "-1"},
            {"abc != abd", "1"},
            {"1.5 * 2", "3"},
        };
        for (auto &c : cases) {
            std::string err;
            CPPUNIT_ASSERT_EQUAL_MESSAGE(c.expr, std::string(c.value), evaluate(c.expr, &err));
            CPPUNIT_ASSERT_MESSAGE(err, err.empty());
        }
        std::string err;
        CPPUNIT_ASSERT_EQUAL(std::string(""), evaluate("1 / 0", &err));
        CPPUNIT_ASSERT(err.find("division by zero") != std::string::npos);
        evaluate("(1 + 2", &err);
        CPPUNIT_ASSERT(err.find("expected ')'") != std::string::npos);
        CPPUNIT_ASSERT(!is_true("") && !is_true("0") && !is_true(" 0.0 ") && is_true("x") &&
                       is_true("2"));
    }

    void testSubstitution() {
        auto dp = Dialplan::parse("[c]\nexten => s,1,NoOp()\n", "s.conf");
        Registry reg;
        Execution x(dp, reg, "c", "s");
        x.set("NUM", "0262006200082");
        CPPUNIT_ASSERT_EQUAL(std::string("082"), x.substitute("${NUM:-3}"));
        CPPUNIT_ASSERT_EQUAL(std::string("02"), x.substitute("${NUM:0:2}"));
        CPPUNIT_ASSERT_EQUAL(std::string("0262006200"), x.substitute("${NUM:0:-3}"));
        CPPUNIT_ASSERT_EQUAL(std::string("yes"),
                             x.substitute("${IF($[${LEN(${NUM})} = 13]?yes:no)}"));
        CPPUNIT_ASSERT_EQUAL(std::string("[]"), x.substitute("[${UNSET}]"));
        CPPUNIT_ASSERT_EQUAL(std::string("${open"), x.substitute("${open"));
        x.set("V", "NUM");
        CPPUNIT_ASSERT_EQUAL(std::string("0262006200082"), x.substitute("${${V}}"));
    }

    void testOverlapHashRule() {
        auto dp = Dialplan::parse(
            "[analog]\n"
            "exten => _0NXXXXXXX,1,NoOp(seoul 7)\n"
            "exten => _0NXXXXXXXX,1,NoOp(seoul 8)\n"
            "exten => _NXXXXXXX#XXX,1,NoOp(vns)\n"
            "exten => 112,1,NoOp(emergency)\n",
            "o.conf");
        using Clock = OverlapDialler::Clock;
        auto t = Clock::time_point();
        auto feed = [&](OverlapDialler &o, const char *digits) {
            OverlapDialler::Result r;
            for (const char *p = digits; *p; ++p) r = o.digit(*p, t);
            return r;
        };
        {  // complete and nothing longer can match: dial at once
            OverlapDialler o(dp, "analog");
            auto r = feed(o, "112");
            CPPUNIT_ASSERT(r.action == OverlapDialler::Action::Dial && r.number == "112");
        }
        {  // matches but could be longer: wait, the timeout dials
            OverlapDialler o(dp, "analog", std::chrono::milliseconds(3000));
            auto r = feed(o, "026200620");
            CPPUNIT_ASSERT(r.action == OverlapDialler::Action::Wait);
            CPPUNIT_ASSERT(o.deadline() == t + std::chrono::milliseconds(3000));
            CPPUNIT_ASSERT(o.timeout(t + std::chrono::milliseconds(2999)).action ==
                           OverlapDialler::Action::Wait);
            r = o.timeout(t + std::chrono::milliseconds(3000));
            CPPUNIT_ASSERT(r.action == OverlapDialler::Action::Dial && r.number == "026200620");
        }
        {  // '#' ends dialling: "026200620#" matches nothing, "026200620" does
            OverlapDialler o(dp, "analog");
            auto r = feed(o, "026200620#");
            CPPUNIT_ASSERT(r.action == OverlapDialler::Action::Dial && r.number == "026200620");
        }
        {  // '#' inside a VNS number is part of it
            OverlapDialler o(dp, "analog");
            auto r = feed(o, "62006200#");
            CPPUNIT_ASSERT(r.action == OverlapDialler::Action::Wait);
            r = feed(o, "082");
            CPPUNIT_ASSERT(r.action == OverlapDialler::Action::Dial && r.number == "62006200#082");
        }
        {  // '#' after an incomplete number, and a digit that matches nothing
            OverlapDialler o(dp, "analog");
            CPPUNIT_ASSERT(feed(o, "0262#").action == OverlapDialler::Action::Invalid);
            OverlapDialler p(dp, "analog");
            CPPUNIT_ASSERT(feed(p, "00").action == OverlapDialler::Action::Invalid);
            OverlapDialler q(dp, "analog");
            feed(q, "0262");
            CPPUNIT_ASSERT(q.timeout(t + std::chrono::seconds(10)).action ==
                           OverlapDialler::Action::Invalid);
        }
    }

    void testIncludeFilesAndShow() {
        std::map<std::string, std::string> files = {
            {"/etc/vce/extensions.conf", "[main]\ninclude => more\n#include \"sub/more.conf\"\n"},
            {"/etc/vce/sub/more.conf",
             "[more]\nexten => 1,1,NoOp(in more)\n same => n(x),Hangup()\n"},
        };
        auto reader = [&](const std::string &path, std::string &text) {
            auto it = files.find(path);
            if (it == files.end()) return false;
            text = it->second;
            return true;
        };
        auto dp = Dialplan::parse_file("/etc/vce/extensions.conf", reader);
        CPPUNIT_ASSERT(dp->exists("main", "1"));
        std::string shown = dp->show("more");
        CPPUNIT_ASSERT_MESSAGE(
            shown, shown.find("[ Context 'more' created at /etc/vce/sub/more.conf:1 ]") == 0);
        CPPUNIT_ASSERT_MESSAGE(shown, shown.find("'1' =>") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(shown, shown.find("2(x). Hangup()") != std::string::npos);
        CPPUNIT_ASSERT(dp->show("main").find("Include =>        'more'") != std::string::npos);
        files["/etc/vce/sub/more.conf"] = "[more]\nexten => 1,1,NoOp(\n";
        try {
            Dialplan::parse_file("/etc/vce/extensions.conf", reader);
            CPPUNIT_FAIL("accepted a broken include");
        } catch (const ParseError &e) {
            CPPUNIT_ASSERT_EQUAL(std::string("/etc/vce/sub/more.conf"), e.file());
            CPPUNIT_ASSERT_EQUAL(2, e.line());
        }
        files.erase("/etc/vce/sub/more.conf");
        CPPUNIT_ASSERT_THROW(Dialplan::parse_file("/etc/vce/extensions.conf", reader), ParseError);
    }

    void testEndsCleanly() {
        auto dp = Dialplan::parse(
            "[c]\nexten => 1,1,NoOp()\nexten => 2,1,Goto(2,1)\nexten => 3,1,Goto(nolabel)\n"
            "exten => i,1,Set(BAD=${INVALID_EXTEN})\n",
            "e.conf");
        Registry reg;
        Execution a(dp, reg, "c", "1");
        a.run();
        CPPUNIT_ASSERT_EQUAL(std::string("end of extension 1 in context c (no priority 2)"),
                             a.end_reason());
        Execution b(dp, reg, "c", "2");
        b.run(100);
        CPPUNIT_ASSERT(b.end_reason().find("more than 100 steps") == 0);
        Execution c(dp, reg, "c", "3");
        c.run();
        CPPUNIT_ASSERT_EQUAL(std::string("Goto: no label 'nolabel' in extension 3@c at e.conf:4"),
                             c.end_reason());
        Execution d(dp, reg, "c", "99");
        d.run();
        CPPUNIT_ASSERT_EQUAL(std::string("99"), d.get("BAD"));
        Execution e(dp, reg, "nowhere", "1");
        e.run();
        CPPUNIT_ASSERT_EQUAL(std::string("no extension '1' in context 'nowhere'"), e.end_reason());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DialplanTest);
