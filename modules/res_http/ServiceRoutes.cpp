// /healthz, /metrics (Prometheus text) and /static/ files; core thread.
#include "modules/res_http/MetricsText.h"
#include "modules/res_http/Site.h"
#include "modules/res_http/StaticFiles.h"
#include "vce/Channels.h"

namespace vce::http {

namespace {

// What the portal can count without asking the database.
std::vector<Metric> local_metrics(const Site &site) {
    std::vector<Metric> m;
    m.push_back({"vce_database_up",
                 "1 while vced is connected to PostgreSQL",
                 "gauge",
                 {{"", site.db.connected() ? 1.0 : 0.0}}});
    m.push_back({"vce_durable_queue_depth",
                 "Durable writes (bindings, CDRs, messages) waiting for PostgreSQL to commit them",
                 "gauge",
                 {{"", static_cast<double>(site.db.queued_writes())}}});
    if (site.channels) {
        Metric calls{"vce_channel_calls",
                     "Calls holding another module's channel technology now (gateway legs: SIP "
                     "to TDM and back); proxied SIP-to-SIP calls are not counted here",
                     "gauge",
                     {}};
        for (const char *tech : {"SIP", "TDM"})
            calls.samples.push_back({std::string("tech=\"") + tech + "\"",
                                     static_cast<double>(site.channels->users(tech))});
        m.push_back(calls);
    }
    const HttpCounters &c = site.server.counters();
    Metric answers{"vce_http_answers_total", "Portal HTTP answers by status class", "counter", {}};
    for (int cls = 2; cls <= 5; ++cls)
        answers.samples.push_back(
            {"class=\"" + std::to_string(cls) + "xx\"", static_cast<double>(c.answers[cls])});
    m.push_back(answers);
    m.push_back({"vce_http_requests_total",
                 "Portal HTTP requests received",
                 "counter",
                 {{"", static_cast<double>(c.requests)}}});
    return m;
}

double number_of(const SqlParam &p) {
    return p ? std::strtod(p->c_str(), nullptr) : 0;
}

}  // namespace

void add_service_routes(Site &site) {
    site.server.route("GET", "/healthz", [&site](const HttpRequest &, Responder r) {
        if (!site.db.connected()) return r->send(text_reply(503, "database: not connected\n"));
        // A round trip, so a connection that is up but stuck shows as unhealthy.
        site.db.query("SELECT 1", {}, site.lifetime.guard([r](const SqlResult &res) {
            r->send(res.ok ? text_reply(200, "ok\n")
                           : text_reply(503, "database: " + res.error + "\n"));
        }));
    });

    site.server.route("GET", "/metrics", [&site](const HttpRequest &, Responder r) {
        auto metrics = local_metrics(site);
        auto reply = [r](const std::vector<Metric> &m) {
            HttpReply out = text_reply(200, prometheus_text(m));
            out.content_type = "text/plain; version=0.0.4; charset=utf-8";
            r->send(out);
        };
        if (!site.db.connected()) return reply(metrics);
        site.db.query(
            "SELECT (SELECT count(*) FROM bindings WHERE expires_at > now()),"
            "       (SELECT count(DISTINCT aor) FROM bindings WHERE expires_at > now()),"
            "       (SELECT count(*) FROM number_orders"
            "         WHERE status IN ('requested', 'approved', 'selected'))",
            {}, site.lifetime.guard([metrics, reply](const SqlResult &res) mutable {
                if (res.ok && res.rows.size() == 1 && res.rows[0].size() == 3) {
                    const auto &row = res.rows[0];
                    metrics.push_back({"vce_registrations",
                                       "Registered terminals (bindings not expired), all nodes",
                                       "gauge",
                                       {{"", number_of(row[0])}}});
                    metrics.push_back({"vce_registered_accounts",
                                       "SIP accounts with at least one registered terminal",
                                       "gauge",
                                       {{"", number_of(row[1])}}});
                    metrics.push_back(
                        {"vce_number_orders_open",
                         "Number orders requested, approved or selected, not yet paid",
                         "gauge",
                         {{"", number_of(row[2])}}});
                }
                reply(metrics);
            }));
    });

    site.server.route("GET", "/static/", [&site](const HttpRequest &req, Responder r) {
        auto name = static_relative_path(req.path);
        auto type = name ? static_content_type(*name) : std::nullopt;
        auto it = name ? site.files.statics.find(*name) : site.files.statics.end();
        if (!name || !type || it == site.files.statics.end())
            return r->send(text_reply(404, "no such file\n"));
        HttpReply out;
        out.content_type = *type;
        out.body = it->second;
        out.cacheable = true;
        r->send(out);
    });
}

}  // namespace vce::http
