// res_http: the subscriber and operator web portal. libevent's evhttp on the core thread's
// loop (the thread of the database service; never a SIP thread): public pages over the SQL
// functions, /healthz and /metrics, static files served by vced itself.
#include <unistd.h>

#include <memory>

#include "modules/res_http/HttpConfig.h"
#include "modules/res_http/Site.h"
#include "vce/Channels.h"
#include "vce/Host.h"
#include "vce/Log.h"
#include "vce/Module.h"

namespace vce::http {
namespace {

class ResHttp : public Module {
public:
    ResHttp(Host &host, Database &db, HttpConfig cfg, SiteFiles files)
        : host_(host),
          cfg_(std::move(cfg)),
          files_(std::move(files)),
          server_(host.loop()),
          site_{db,
                files_,
                server_,
                lifetime_,
                host.service<ChannelRegistry>(services::kChannels),
                cfg_.sip_server} {}

    ~ResHttp() override {
        lifetime_.end();  // database answers still on their way are dropped
        host_.unregister_cli("http show status");
    }

    bool start(std::string &why) {
        add_service_routes(site_);
        add_public_routes(site_);
        add_order_routes(site_);
        if (!server_.listen(cfg_.bind, cfg_.port, why)) return false;
        host_.register_cli({"http show status", "http show status",
                            "the web portal's address and counters", [this](auto r) {
                                const HttpCounters &c = server_.counters();
                                std::string s = "listening on http://" + address() + "/\n";
                                s += "requests: " + std::to_string(c.requests) + "\n";
                                for (int cls = 2; cls <= 5; ++cls)
                                    s += std::to_string(cls) +
                                         "xx: " + std::to_string(c.answers[cls]) + "\n";
                                r->reply(0, s);
                            }});
        VCE_LOG_NOTICE("res_http: web portal at http://%s/", address().c_str());
        return true;
    }

private:
    std::string address() const {
        bool v6 = cfg_.bind.find(':') != std::string::npos;
        return (v6 ? "[" + cfg_.bind + "]" : cfg_.bind) + ":" + std::to_string(cfg_.port);
    }

    Host &host_;
    HttpConfig cfg_;
    SiteFiles files_;
    Lifetime lifetime_;
    HttpServer server_;  // after lifetime_: destroyed first, while the lifetime has ended
    Site site_;
};

Module *load(Host &host, std::string &why) {
    Database *db = host.service<Database>(services::kDatabase);
    if (!db) {
        why = "the database service is not available (load res_pgsql first)";
        return nullptr;
    }
    HttpConfig cfg;
    try {
        // No file: the defaults (127.0.0.1:8088, the installed files).
        bool have = access((host.confdir() + "/res_http.conf").c_str(), F_OK) == 0;
        if (!read_http_config(have ? host.config("res_http.conf") : Config(),
                              std::string(VCE_DATADIR) + "/http", cfg, why))
            return nullptr;
    } catch (const ConfigError &e) {
        why = e.what();
        return nullptr;
    }
    SiteFiles files;
    if (!files.load(cfg.files, why)) return nullptr;
    auto m = std::make_unique<ResHttp>(host, *db, std::move(cfg), std::move(files));
    if (!m->start(why)) return nullptr;
    return m.release();
}

const char *const kRequires[] = {"res_pgsql", nullptr};

const ModuleInfo info = {kModuleAbi,
                         "res_http",
                         "Web portal: public pages, /healthz, /metrics (evhttp on the core loop)",
                         40,
                         kRequires,
                         nullptr,
                         load};

}  // namespace
}  // namespace vce::http

VCE_MODULE(vce::http::info)
