// The purchase of a number by a newcomer (seed S210-S280): the request form (/order), the
// order's own page at its secret link (/order/status), the final selection that gives the
// bank-transfer reference (/order/select). Every rule is the SQL's (020_portal.sql calling
// member_register, number_request, number_select); core thread.
#include "modules/res_http/CsrfToken.h"
#include "modules/res_http/HtmlText.h"
#include "modules/res_http/Site.h"

namespace vce::http {

namespace {

const char *const kOrderFields[] = {"number",     "name",    "country",        "contact_pstn",
                                    "email",      "address", "company_reg_no", "contact_person",
                                    "other_voip", "branches"};

std::string value(const std::map<std::string, std::string> &m, const std::string &k) {
    auto it = m.find(k);
    return it == m.end() ? std::string() : it->second;
}

SqlParam optional(const std::map<std::string, std::string> &m, const std::string &k) {
    std::string v = value(m, k);
    if (v.find_first_not_of(" \t") == std::string::npos) return std::nullopt;
    return v;
}

// The form's CSRF token: the cookie's when it has one, else a new one set with the reply.
std::string csrf_for(const HttpRequest &req) {
    std::string t = csrf_cookie_token(req.cookies);
    if (t.empty()) t = new_csrf_token();
    return t;
}

HttpReply with_csrf(HttpReply r, const std::string &token) {
    r.headers.push_back({"Set-Cookie", csrf_set_cookie(token)});
    return r;
}

HttpReply see_other(const std::string &location) {
    HttpReply r = text_reply(303, "see " + location + "\n");
    r.headers.push_back({"Location", location});
    return r;
}

// An order id as the pages write it: digits that fit a bigint.
bool order_id_ok(const std::string &id) {
    return !id.empty() && id.size() <= 18 &&
           id.find_first_not_of("0123456789") == std::string::npos;
}

HttpReply no_such_order(const Site &site) {
    return message_reply(site, 404, "No such order",
                         "Open the link you were given when you asked for the number.");
}

std::string status_link(const std::string &id, const std::string &token) {
    return "/order/status?id=" + id + "&t=" + token;
}

const char *const kCountriesSql = "SELECT code, name FROM countries ORDER BY name";

std::string country_options(const SqlResult &cs, const std::string &chosen) {
    std::string out = "<option value=\"\">choose your country</option>\n";
    for (const auto &row : cs.rows) {
        std::string code = row[0].value_or("");
        out += "<option value=\"" + html_escape(code) + "\"" + (code == chosen ? " selected" : "") +
               ">" + html_escape(row[1].value_or("")) + "</option>\n";
    }
    return out;
}

std::string branch_boxes(const SqlResult &cs, const std::string &chosen) {
    std::string out;
    std::string list = "," + chosen + ",";
    for (const auto &row : cs.rows) {
        std::string code = row[0].value_or("");
        bool on = list.find("," + code + ",") != std::string::npos;
        out += "<label class=\"branch\"><input type=\"checkbox\" name=\"branches\" value=\"" +
               html_escape(code) + "\"" + (on ? " checked" : "") + "> " +
               html_escape(row[1].value_or("")) + " (#" + html_escape(code) + ")</label>\n";
    }
    return out;
}

// The request form for the number in `fields`, with `message` when a try was refused.
void order_form(Site &site, const HttpRequest &req, std::map<std::string, std::string> fields,
                std::string message, int status, Responder r) {
    SqlParams p = {value(fields, "number")};
    site.db.query(
        "SELECT n.written, n.kind, to_char(n.price, 'FM999999990.00'), n.status FROM "
        "number_find($1) n",
        std::move(p),
        site.lifetime.guard([&site, req, fields, message, status, r](const SqlResult &num) {
            if (!num.ok || num.rows.size() != 1)
                return r->send(message_reply(
                    site, 404, "No such number",
                    (num.ok ? std::string("the number was not found") : sql_refusal(num.error)) +
                        ". Choose a number in the number shop (/shop)."));
            const auto &row = num.rows[0];
            std::string kind = row[1].value_or("");
            if (row[3].value_or("") != "available" && message.empty())
                return r->send(message_reply(site, 409, "Number not for sale",
                                             "The number " + row[0].value_or("") +
                                                 " is no longer for sale. Choose another one in "
                                                 "the number shop (/shop)."));
            site.db.query(
                kCountriesSql, {},
                site.lifetime.guard(
                    [&site, req, fields, message, status, r, row, kind](const SqlResult &cs) {
                        if (!cs.ok)
                            return r->send(message_reply(site, 503, "Service unavailable",
                                                         "Please try again in a minute."));
                        std::string token = csrf_for(req);
                        PageValues v;
                        for (const char *f : kOrderFields) v.text[f] = value(fields, f);
                        v.text["number"] = row[0].value_or("");
                        v.text["price"] = row[2].value_or("");
                        v.text["kind"] = kind == "pin" ? "individual" : "company";
                        v.text["kind_words"] = kind == "pin"
                                                   ? "A personal number (PIN), for an individual"
                                                   : "A company number (VNS), for a company";
                        v.text["message"] = message;
                        v.text["csrf"] = token;
                        v.html["countries"] = country_options(cs, value(fields, "country"));
                        v.html["branch_boxes"] = branch_boxes(cs, value(fields, "branches"));
                        if (kind == "vns")
                            v.html["company"] =
                                render_template(site.files.page("order_company.html"), v);
                        r->send(with_csrf(
                            page_reply(site, "Request a number", "order.html", v, status), token));
                    }));
        }));
}

void order_submit(Site &site, const HttpRequest &req, Responder r) {
    if (!csrf_matches(req.cookies, req.form))
        return order_form(site, req, req.form,
                          "This form had expired (or came from another site). Check the fields "
                          "and send it again.",
                          403, r);
    const auto &f = req.form;
    // The number decides the kind: a PIN is for an individual, a VNS for a company.
    SqlParams p = {value(f, "number"),
                   value(f, "kind"),
                   value(f, "name"),
                   value(f, "country"),
                   optional(f, "contact_pstn"),
                   optional(f, "email"),
                   optional(f, "address"),
                   optional(f, "company_reg_no"),
                   optional(f, "contact_person"),
                   value(f, "other_voip"),
                   value(f, "branches")};
    site.db.query(
        "SELECT order_id, token FROM portal_order_request($1, $2, $3, $4, $5, $6, $7, $8, $9,"
        " ARRAY(SELECT btrim(x) FROM unnest(string_to_array($10, ',')) x WHERE btrim(x) <> ''),"
        " ARRAY(SELECT btrim(x) FROM unnest(string_to_array($11, ',')) x WHERE btrim(x) <> ''))",
        std::move(p), site.lifetime.guard([&site, req, r](const SqlResult &res) {
            if (!res.ok || res.rows.size() != 1)
                return order_form(site, req, req.form,
                                  sql_refusal(res.error) + ". Correct it and send the form again.",
                                  400, r);
            r->send(
                see_other(status_link(res.rows[0][0].value_or(""), res.rows[0][1].value_or(""))));
        }));
}

std::string next_step(const std::string &status, const std::string &price, const std::string &ref,
                      const std::string &reason, const std::string &form,
                      const std::string &register_form) {
    if (status == "requested")
        return "<p id=\"next\">We are checking your request. Open this page again later: once "
               "the order is approved you make the final selection here.</p>";
    if (status == "approved") return form;
    if (status == "selected")
        return "<p id=\"next\">Please transfer <strong>" + html_escape(price) +
               "</strong> to our bank account quoting the reference <strong class=\"reference\">" +
               html_escape(ref) + "</strong>. We confirm the payment here when it arrives.</p>";
    if (status == "paid") return register_form;
    if (status == "rejected")
        return "<p id=\"next\" class=\"message\">Your request was not accepted: " +
               html_escape(reason) +
               " You may choose another number in the <a href=\"/shop\">number shop</a>.</p>";
    return "<p id=\"next\" class=\"message\">This order was cancelled. You may choose a number "
           "in the <a href=\"/shop\">number shop</a>.</p>";
}

void order_status(Site &site, const HttpRequest &req, const std::string &message, int code,
                  Responder r) {
    const auto &src = req.method == "POST" ? req.form : req.query;
    std::string id = value(src, "id"), t = value(src, "t");
    if (!order_id_ok(id)) return r->send(no_such_order(site));
    site.db.query(
        "SELECT id, number, kind, status, to_char(price, 'FM999999990.00'), "
        "coalesce(reject_reason, ''),"
        "       coalesce(payment_reference, ''), array_to_string(branch_countries, ', '), "
        "member_name"
        "  FROM portal_order_status($1, $2)",
        {id, t}, site.lifetime.guard([&site, req, id, t, message, code, r](const SqlResult &res) {
            if (!res.ok || res.rows.size() != 1)
                return r->send(message_reply(
                    site, 404, "No such order",
                    res.ok ? "Open the link you were given." : sql_refusal(res.error) + "."));
            const auto &row = res.rows[0];
            std::string token = csrf_for(req);
            PageValues v;
            v.text["id"] = row[0].value_or("");
            v.text["number"] = row[1].value_or("");
            v.text["status"] = row[3].value_or("");
            v.text["price"] = row[4].value_or("");
            v.text["branches"] = row[7].value_or("").empty() ? "none" : row[7].value_or("");
            v.text["name"] = row[8].value_or("");
            v.text["message"] = message;
            v.text["csrf"] = token;
            v.text["t"] = t;
            std::string form = render_template(site.files.page("order_select.html"), v);
            std::string reg = render_template(site.files.page("order_register.html"), v);
            v.html["next"] = next_step(row[3].value_or(""), row[4].value_or(""),
                                       row[6].value_or(""), row[5].value_or(""), form, reg);
            r->send(with_csrf(page_reply(site, "Your order", "order_status.html", v, code), token));
        }));
}

void order_select(Site &site, const HttpRequest &req, Responder r) {
    if (!csrf_matches(req.cookies, req.form))
        return order_status(site, req,
                            "The page had expired (or the request came from another site): "
                            "press the button again.",
                            403, r);
    std::string id = value(req.form, "id"), t = value(req.form, "t");
    if (!order_id_ok(id)) return r->send(no_such_order(site));
    site.db.query("SELECT portal_order_select($1, $2)", {id, t},
                  site.lifetime.guard([&site, req, id, t, r](const SqlResult &res) {
                      if (!res.ok)
                          return order_status(site, req, sql_refusal(res.error) + ".", 409, r);
                      r->send(see_other(status_link(id, t)));
                  }));
}

// The last step: the SIP password; the result is the account data a softphone needs. The
// password goes to the SQL as a parameter and nowhere else (never logged, never shown).
void order_register(Site &site, const HttpRequest &req, Responder r) {
    if (!csrf_matches(req.cookies, req.form))
        return order_status(site, req,
                            "The page had expired (or the request came from another site): "
                            "send the form again.",
                            403, r);
    std::string id = value(req.form, "id"), t = value(req.form, "t");
    if (!order_id_ok(id)) return r->send(no_such_order(site));
    if (value(req.form, "password") != value(req.form, "password2"))
        return order_status(site, req, "The two passwords differ: type the same password twice.",
                            400, r);
    site.db.query("SELECT username, realm FROM portal_order_register($1, $2, $3)",
                  {id, t, value(req.form, "password")},
                  site.lifetime.guard([&site, req, r](const SqlResult &res) {
                      if (!res.ok || res.rows.empty())
                          return order_status(site, req,
                                              (res.ok ? std::string("no account was set up")
                                                      : sql_refusal(res.error)) +
                                                  ". Correct it and send the form again.",
                                              400, r);
                      std::string rows;
                      for (const auto &row : res.rows)
                          rows += "<tr><td class=\"number account\">" +
                                  html_escape(row[0].value_or("")) + "</td><td>" +
                                  html_escape(row[1].value_or("")) + "</td></tr>\n";
                      PageValues v;
                      v.html["accounts"] = rows;
                      v.text["sip_server"] =
                          site.sip_server.empty() ? res.rows[0][1].value_or("") : site.sip_server;
                      r->send(page_reply(site, "Welcome", "order_result.html", v));
                  }));
}

}  // namespace

void add_order_routes(Site &site) {
    site.server.route("POST", "/order/register", [&site](const HttpRequest &req, Responder r) {
        order_register(site, req, r);
    });
    site.server.route("GET", "/order", [&site](const HttpRequest &req, Responder r) {
        order_form(site, req, req.query, "", 200, r);
    });
    site.server.route("POST", "/order",
                      [&site](const HttpRequest &req, Responder r) { order_submit(site, req, r); });
    site.server.route("GET", "/order/status", [&site](const HttpRequest &req, Responder r) {
        order_status(site, req, "", 200, r);
    });
    site.server.route("POST", "/order/select",
                      [&site](const HttpRequest &req, Responder r) { order_select(site, req, r); });
}

}  // namespace vce::http
