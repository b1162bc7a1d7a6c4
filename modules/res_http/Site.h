// What the portal's page groups share (core thread): the database service, the files, the
// server's counters, and the lifetime that guards database callbacks; plus the layout.
#pragma once

#include <string>

#include "modules/res_http/HttpExchange.h"
#include "modules/res_http/HttpServer.h"
#include "modules/res_http/PageTemplate.h"
#include "modules/res_http/SiteFiles.h"
#include "vce/Database.h"
#include "vce/Lifetime.h"

namespace vce {
class ChannelRegistry;
}

namespace vce::http {

struct Site {
    Database &db;
    const SiteFiles &files;
    HttpServer &server;
    Lifetime &lifetime;                   // database callbacks run only while the module lives
    ChannelRegistry *channels = nullptr;  // may be absent
    std::string sip_server;               // res_http.conf sip_server: the softphone's registrar
};

// A page: the named template filled with `values`, inside layout.html (title, nav, body).
HttpReply page_reply(const Site &site, const std::string &title, const std::string &tmpl,
                     const PageValues &values, int status = 200);

// A page that says what went wrong and what to do, in the layout.
HttpReply message_reply(const Site &site, int status, const std::string &title,
                        const std::string &message);

// The text of a SQL function's refusal as a person should read it: PostgreSQL's
// "ERROR:  number ... is already sold\nCONTEXT: ..." -> "number ... is already sold".
std::string sql_refusal(const std::string &error);

// Page groups: each adds its routes to the server.
void add_service_routes(Site &site);  // /healthz, /metrics, /static/
void add_public_routes(Site &site);   // /, /shop
void add_order_routes(Site &site);    // /order, /order/status, /order/select

}  // namespace vce::http
