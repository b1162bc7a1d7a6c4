// Public pages: the service and its prices (/), the number shop (/shop); core thread.
#include "modules/res_http/HtmlText.h"
#include "modules/res_http/ShopQuery.h"
#include "modules/res_http/Site.h"

namespace vce::http {

namespace {

std::string cell(const SqlParam &p) {
    return html_escape(p ? *p : std::string());
}

// One <tr> per row, the given columns escaped.
std::string table_rows(const SqlResult &res, std::initializer_list<size_t> columns) {
    std::string out;
    for (const auto &row : res.rows) {
        out += "<tr>";
        for (size_t c : columns) out += "<td>" + (c < row.size() ? cell(row[c]) : "") + "</td>";
        out += "</tr>\n";
    }
    return out;
}

const char *const kRatesSql =
    "SELECT DISTINCT ON (prefix) '+' || prefix, coalesce(description, ''),"
    "       to_char(price_per_minute, 'FM999990.0000'), to_char(connect_fee, 'FM999990.0000'),"
    "       first_increment || ' s / ' || increment || ' s'"
    "  FROM rates WHERE carrier_id IS NULL AND valid_from <= now()"
    "   AND (valid_until IS NULL OR valid_until > now())"
    " ORDER BY prefix, valid_from DESC";

const char *const kCountriesSql =
    "SELECT c.code, c.name, count(n.id),"
    "       coalesce(to_char(min(n.price), 'FM999999990.00'), '')"
    "  FROM countries c LEFT JOIN numbers n ON n.country_code = c.code AND n.status = 'available'"
    " GROUP BY c.code, c.name ORDER BY c.name";

const char *const kVnsSql =
    "SELECT count(*), coalesce(to_char(min(price), 'FM999999990.00'), '')"
    "  FROM numbers WHERE kind = 'vns' AND status = 'available'";

std::string country_options(const SqlResult &countries, const std::string &chosen) {
    std::string out = "<option value=\"\">any country</option>\n";
    for (const auto &row : countries.rows) {
        std::string code = row[0] ? *row[0] : "";
        out += "<option value=\"" + html_escape(code) + "\"" + (code == chosen ? " selected" : "") +
               ">" + cell(row[1]) + " (" + html_escape(code) + ")</option>\n";
    }
    return out;
}

std::string kind_options(const std::string &chosen) {
    std::string out;
    const char *const kinds[][2] = {{"any", "personal (PIN) or company (VNS)"},
                                    {"pin", "personal number (PIN), for individuals"},
                                    {"vns", "company number (VNS), for companies"}};
    for (const auto &k : kinds)
        out += std::string("<option value=\"") + k[0] + "\"" + (chosen == k[0] ? " selected" : "") +
               ">" + k[1] + "</option>\n";
    return out;
}

void home(Site &site, Responder r) {
    site.db.query(kRatesSql, {}, site.lifetime.guard([&site, r](const SqlResult &rates) {
        if (!rates.ok)
            return r->send(message_reply(site, 503, "Service unavailable",
                                         "The price list cannot be read right now. Please try "
                                         "again in a minute."));
        site.db.query(
            kCountriesSql, {}, site.lifetime.guard([&site, r, rates](const SqlResult &cs) {
                site.db.query(
                    kVnsSql, {}, site.lifetime.guard([&site, r, rates, cs](const SqlResult &vns) {
                        if (!cs.ok || !vns.ok)
                            return r->send(
                                message_reply(site, 503, "Service unavailable",
                                              "The number offer cannot be read right now. "
                                              "Please try again in a minute."));
                        PageValues v;
                        v.html["rates"] = table_rows(rates, {0, 1, 2, 3, 4});
                        v.html["countries"] = table_rows(cs, {1, 0, 2, 3});
                        const auto &row = vns.rows.at(0);
                        v.text["vns_count"] = row[0] ? *row[0] : "0";
                        v.text["vns_from"] = row[1] ? *row[1] : "";
                        r->send(page_reply(site, "VoIP numbers and calls", "home.html", v));
                    }));
            }));
    }));
}

void shop(Site &site, const HttpRequest &req, Responder r) {
    ShopQueryResult q = parse_shop_query(req.query);
    site.db.query(kCountriesSql, {}, site.lifetime.guard([&site, r, q, req](const SqlResult &cs) {
        if (!cs.ok)
            return r->send(message_reply(site, 503, "Service unavailable",
                                         "The number shop cannot be read right now. Please try "
                                         "again in a minute."));
        PageValues v;
        auto field = [&](const char *k) {
            auto it = req.query.find(k);
            return it == req.query.end() ? std::string() : it->second;
        };
        v.html["countries"] = country_options(cs, q.query.country.value_or(field("country")));
        v.html["kinds"] = kind_options(q.query.kind.value_or(field("kind")));
        v.text["digits"] = field("digits");
        v.text["area"] = field("area");
        bool searched = !req.query.empty();
        if (!q.error.empty() || !searched) {
            v.text["message"] = q.error;
            return r->send(
                page_reply(site, "Number shop", "shop.html", v, q.error.empty() ? 200 : 400));
        }
        SqlParams params = {shop_search_pattern(q.query), q.query.kind, q.query.country};
        site.db.query(
            "SELECT number, kind, coalesce(country, ''), to_char(price, 'FM999999990.00')"
            "  FROM number_search($1, $2, $3, NULL, false, 50)",
            std::move(params), site.lifetime.guard([&site, r, v](const SqlResult &res) mutable {
                if (!res.ok) {
                    v.text["message"] =
                        sql_refusal(res.error) + ". Change the search and try again.";
                    return r->send(page_reply(site, "Number shop", "shop.html", v, 400));
                }
                if (res.rows.empty()) {
                    v.text["message"] =
                        "No number for sale matches. Try fewer digits, another "
                        "country or any kind.";
                } else {
                    std::string rows;
                    for (const auto &row : res.rows) {
                        bool pin = row[1] && *row[1] == "pin";
                        rows +=
                            "<tr><td class=\"number\">" + cell(row[0]) + "</td><td>" +
                            (pin ? "personal (PIN)" : "company (VNS)") + "</td><td>" +
                            cell(row[2]) + "</td><td>" + cell(row[3]) +
                            "</td><td><a href=\"/order?number=" + url_escape(row[0].value_or("")) +
                            "\">Request</a></td></tr>\n";
                    }
                    v.html["results"] = rows;
                    v.text["found"] = std::to_string(res.rows.size());
                }
                r->send(page_reply(site, "Number shop", "shop.html", v));
            }));
    }));
}

}  // namespace

void add_public_routes(Site &site) {
    site.server.route("GET", "/", [&site](const HttpRequest &, Responder r) { home(site, r); });
    site.server.route("GET", "/shop",
                      [&site](const HttpRequest &req, Responder r) { shop(site, req, r); });
}

}  // namespace vce::http
