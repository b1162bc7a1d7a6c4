// Unit tests for the web portal's pure parts: escaping, templates, the route table, static
// paths, the Prometheus text, the shop's search form and res_http.conf; from tables.
#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <string>

#include "modules/res_http/CsrfToken.h"
#include "modules/res_http/HtmlText.h"
#include "modules/res_http/HttpConfig.h"
#include "modules/res_http/MetricsText.h"
#include "modules/res_http/PageTemplate.h"
#include "modules/res_http/RouteTable.h"
#include "modules/res_http/ShopQuery.h"
#include "modules/res_http/StaticFiles.h"

using namespace vce::http;

class ResHttpTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ResHttpTest);
    CPPUNIT_TEST(escaping);
    CPPUNIT_TEST(csrf_tokens);
    CPPUNIT_TEST(templates_escape_text_and_keep_fragments);
    CPPUNIT_TEST(routes_exact_prefix_and_methods);
    CPPUNIT_TEST(static_paths_stay_inside);
    CPPUNIT_TEST(static_types);
    CPPUNIT_TEST(prometheus_format);
    CPPUNIT_TEST(shop_form);
    CPPUNIT_TEST(config_defaults_and_errors);
    CPPUNIT_TEST_SUITE_END();

public:
    void escaping() {
        const char *const cases[][2] = {
            {"", ""},
            {"plain 02-6200-6200-082", "plain 02-6200-6200-082"},
            {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
            {"a&b", "a&amp;b"},
            {"\" onmouseover='x'", "&quot; onmouseover=&#39;x&#39;"},
            {"Anna Müller", "Anna Müller"},
        };
        for (const auto &c : cases) CPPUNIT_ASSERT_EQUAL(std::string(c[1]), html_escape(c[0]));
        const char *const urls[][2] = {
            {"6200-6200#082", "6200-6200%23082"},
            {"a b&c=\"<", "a%20b%26c%3D%22%3C"},
            {"kim@example.org", "kim%40example.org"},
            {"Mü", "M%C3%BC"},
        };
        for (const auto &c : urls) CPPUNIT_ASSERT_EQUAL(std::string(c[1]), url_escape(c[0]));
    }

    void csrf_tokens() {
        std::string a = new_csrf_token(), b = new_csrf_token();
        CPPUNIT_ASSERT_EQUAL(size_t(32), a.size());
        CPPUNIT_ASSERT(a != b);
        using M = std::map<std::string, std::string>;
        struct Case {
            M cookies, form;
            bool ok;
        } cases[] = {
            {{{"vce_csrf", a}}, {{"csrf", a}}, true},
            {{{"vce_csrf", a}}, {{"csrf", b}}, false},
            {{{"vce_csrf", a}}, {}, false},
            {{}, {{"csrf", a}}, false},
            {{{"vce_csrf", ""}}, {{"csrf", ""}}, false},
            {{{"vce_csrf", "short"}}, {{"csrf", "short"}}, false},
            {{{"vce_csrf", std::string(32, 'Z')}}, {{"csrf", std::string(32, 'Z')}}, false},
        };
        for (const auto &c : cases) CPPUNIT_ASSERT_EQUAL(c.ok, csrf_matches(c.cookies, c.form));
        CPPUNIT_ASSERT_EQUAL(a, csrf_cookie_token({{"vce_csrf", a}}));
        CPPUNIT_ASSERT_EQUAL(std::string(), csrf_cookie_token({{"vce_csrf", "x;y"}}));
        std::string cookie = csrf_set_cookie(a);
        CPPUNIT_ASSERT(cookie.find("HttpOnly") != std::string::npos);
        CPPUNIT_ASSERT(cookie.find("SameSite=Strict") != std::string::npos);
    }

    void templates_escape_text_and_keep_fragments() {
        PageValues v;
        v.text["name"] = "<b>Kim</b>";
        v.html["rows"] = "<tr><td>1</td></tr>";
        struct Case {
            const char *tmpl;
            const char *want;
        } cases[] = {
            {"Hi {{name}}!", "Hi &lt;b&gt;Kim&lt;/b&gt;!"},
            {"<table>{{{rows}}}</table>", "<table><tr><td>1</td></tr></table>"},
            {"[{{missing}}][{{{missing}}}]", "[][]"},
            {"{{{name}}}", ""},  // a text value is never inserted raw
            {"open {{name", "open {{name"},
            {"no placeholders", "no placeholders"},
            {"{{name}}{{name}}", "&lt;b&gt;Kim&lt;/b&gt;&lt;b&gt;Kim&lt;/b&gt;"},
        };
        for (const auto &c : cases)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(c.tmpl, std::string(c.want), render_template(c.tmpl, v));
    }

    void routes_exact_prefix_and_methods() {
        RouteTable<int> t;
        t.add("GET", "/", 1);
        t.add("GET", "/shop", 2);
        t.add("POST", "/shop", 3);
        t.add("GET", "/static/", 4);
        t.add("GET", "/static/special.css", 5);
        struct Case {
            const char *method, *path;
            RouteMatch want;
            int handler;
        } cases[] = {
            {"GET", "/", RouteMatch::Found, 1},
            {"GET", "/shop", RouteMatch::Found, 2},
            {"POST", "/shop", RouteMatch::Found, 3},
            {"GET", "/shop/x", RouteMatch::NotFound, 0},
            {"GET", "/static/portal.css", RouteMatch::Found, 4},
            {"GET", "/static/special.css", RouteMatch::Found, 5},
            {"GET", "/static", RouteMatch::NotFound, 0},
            {"POST", "/", RouteMatch::MethodNotAllowed, 0},
            {"GET", "/nothing", RouteMatch::NotFound, 0},
        };
        for (const auto &c : cases) {
            int h = 0;
            RouteMatch m = t.find(c.method, c.path, &h);
            std::string what = std::string(c.method) + " " + c.path;
            CPPUNIT_ASSERT_MESSAGE(what, m == c.want);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, c.handler, h);
        }
        std::string allowed;
        t.find("PUT", "/shop", nullptr, &allowed);
        CPPUNIT_ASSERT_EQUAL(std::string("GET, POST"), allowed);
    }

    void static_paths_stay_inside() {
        struct Case {
            const char *url;
            const char *want;  // nullptr = refused
        } cases[] = {
            {"/static/portal.css", "portal.css"},
            {"/static/charts/bar.js", "charts/bar.js"},
            {"/static/../etc/passwd", nullptr},
            {"/static/a/../../x", nullptr},
            {"/static/.hidden", nullptr},
            {"/static//etc/passwd", nullptr},
            {"/static/%2e%2e/x", nullptr},
            {"/static/a\\b", nullptr},
            {"/static/", nullptr},
            {"/static/dir/", nullptr},
            {"/other/portal.css", nullptr},
            {"/static/a b.css", nullptr},
        };
        for (const auto &c : cases) {
            auto got = static_relative_path(c.url);
            if (!c.want)
                CPPUNIT_ASSERT_MESSAGE(c.url, !got);
            else
                CPPUNIT_ASSERT_EQUAL_MESSAGE(c.url, std::string(c.want), got.value_or("(refused)"));
        }
    }

    void static_types() {
        CPPUNIT_ASSERT_EQUAL(std::string("text/css; charset=utf-8"),
                             static_content_type("portal.css").value_or(""));
        CPPUNIT_ASSERT_EQUAL(std::string("image/svg+xml"),
                             static_content_type("a/b.svg").value_or(""));
        CPPUNIT_ASSERT(!static_content_type("x.html"));
        CPPUNIT_ASSERT(!static_content_type("css"));
        CPPUNIT_ASSERT(!static_content_type("noext"));
    }

    void prometheus_format() {
        std::vector<Metric> m = {
            {"vce_registrations", "Registered terminals", "gauge", {{"", 3}}},
            {"vce_http_answers_total",
             "Answers by class",
             "counter",
             {{"class=\"2xx\"", 10}, {"class=\"5xx\"", 0}}},
            {"vce_ratio", "a\\b\nc", "gauge", {{"", 0.25}}},
        };
        CPPUNIT_ASSERT_EQUAL(std::string("# HELP vce_registrations Registered terminals\n"
                                         "# TYPE vce_registrations gauge\n"
                                         "vce_registrations 3\n"
                                         "# HELP vce_http_answers_total Answers by class\n"
                                         "# TYPE vce_http_answers_total counter\n"
                                         "vce_http_answers_total{class=\"2xx\"} 10\n"
                                         "vce_http_answers_total{class=\"5xx\"} 0\n"
                                         "# HELP vce_ratio a\\\\b\\nc\n"
                                         "# TYPE vce_ratio gauge\n"
                                         "vce_ratio 0.25\n"),
                             prometheus_text(m));
        CPPUNIT_ASSERT_EQUAL(std::string("a\\\"b\\\\c\\n"), prometheus_label_value("a\"b\\c\n"));
    }

    void shop_form() {
        using Form = std::map<std::string, std::string>;
        struct Case {
            Form form;
            const char *error_part;  // "" = accepted
            const char *pattern;     // nullptr = no pattern
            const char *kind;
            const char *country;
        } cases[] = {
            {{}, "", nullptr, nullptr, nullptr},
            {{{"digits", " 6200-6200 "}}, "", "62006200", nullptr, nullptr},
            {{{"digits", "02-*-082"}}, "", "02*082", nullptr, nullptr},
            {{{"digits", "6200#082"}}, "", "6200#082", nullptr, nullptr},
            {{{"digits", "62x0"}}, "only 0-9", nullptr, nullptr, nullptr},
            {{{"digits", "123456789012345678901"}}, "at most 20", nullptr, nullptr, nullptr},
            {{{"kind", "vns"}, {"country", "82"}}, "", nullptr, "vns", "082"},
            {{{"kind", "any"}, {"country", "082"}}, "", nullptr, nullptr, "082"},
            {{{"kind", "company"}}, "Choose a personal number", nullptr, nullptr, nullptr},
            {{{"country", "Korea"}}, "Choose a country", nullptr, nullptr, nullptr},
            {{{"country", "0821"}}, "Choose a country", nullptr, nullptr, nullptr},
            {{{"area", "02"}}, "", "02*", "pin", nullptr},
            {{{"area", "02"}, {"digits", "6200"}}, "", "02*6200*", "pin", nullptr},
            {{{"area", "02"}, {"digits", "6?00"}}, "", "02*6?00", "pin", nullptr},
            {{{"area", "02"}, {"kind", "vns"}}, "no area code", nullptr, nullptr, nullptr},
            {{{"area", "seoul"}}, "1 to 6 digits", nullptr, nullptr, nullptr},
        };
        for (const auto &c : cases) {
            ShopQueryResult r = parse_shop_query(c.form);
            std::string what;
            for (const auto &kv : c.form) what += kv.first + "=" + kv.second + " ";
            if (*c.error_part) {
                CPPUNIT_ASSERT_MESSAGE(what + "-> " + r.error,
                                       r.error.find(c.error_part) != std::string::npos);
                continue;
            }
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string(), r.error);
            auto p = shop_search_pattern(r.query);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string(c.pattern ? c.pattern : "(none)"),
                                         p.value_or("(none)"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string(c.kind ? c.kind : "(any)"),
                                         r.query.kind.value_or("(any)"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string(c.country ? c.country : "(any)"),
                                         r.query.country.value_or("(any)"));
        }
    }

    void config_defaults_and_errors() {
        HttpConfig cfg;
        std::string err;
        CPPUNIT_ASSERT(read_http_config(vce::Config::parse("", "res_http.conf"), "/d", cfg, err));
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), cfg.bind);
        CPPUNIT_ASSERT_EQUAL(8088, cfg.port);
        CPPUNIT_ASSERT_EQUAL(std::string("/d"), cfg.files);
        CPPUNIT_ASSERT(
            read_http_config(vce::Config::parse("[general]\nbind = ::1\nport = 57500\nfiles = /x\n",
                                                "res_http.conf"),
                             "/d", cfg, err));
        CPPUNIT_ASSERT_EQUAL(57500, cfg.port);
        CPPUNIT_ASSERT_EQUAL(std::string("/x"), cfg.files);
        const char *const bad[][2] = {
            {"[general]\nbind = localhost\n", "res_http.conf:2: bind must be an IP address"},
            {"[general]\nport = 70000\n", "res_http.conf:2: port must be 1 to 65535"},
            {"[general]\nport = http\n", "res_http.conf:2"},
        };
        for (const auto &b : bad) {
            err.clear();
            CPPUNIT_ASSERT_MESSAGE(
                b[0], !read_http_config(vce::Config::parse(b[0], "res_http.conf"), "/d", cfg, err));
            CPPUNIT_ASSERT_MESSAGE(err, err.find(b[1]) != std::string::npos);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ResHttpTest);
