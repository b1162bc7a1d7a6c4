// app_route: connects the routing library to the daemon. Loads the routing snapshot from
// PostgreSQL (and again on NOTIFY vce_routing), offers the "router" service, the Route()
// dialplan application and the `route test|show|reload` commands.
#include <memory>

#include "modules/app_route/RouteCore.h"
#include "vce/Host.h"
#include "vce/Log.h"
#include "vce/Module.h"

namespace vce::approute {
namespace {

class AppRoute : public Module {
public:
    AppRoute(Host &host, std::shared_ptr<RouteCore> core) : host_(host), core_(std::move(core)) {}
    ~AppRoute() override {
        core_->stop();
        core_.reset();
    }

    bool reload(std::string &error) override {
        RouteOptions opt;
        if (!read_options(host_, opt, error)) return false;
        core_->set_options(std::move(opt));
        return true;
    }
    bool can_reload() const override { return true; }

private:
    Host &host_;
    std::shared_ptr<RouteCore> core_;
};

Module *load(Host &host, std::string &why) {
    Database *db = host.service<Database>(services::kDatabase);
    if (!db) {
        why = "the database service is not available (load res_pgsql first)";
        return nullptr;
    }
    RouteOptions opt;
    if (!read_options(host, opt, why)) return nullptr;
    auto core = std::make_shared<RouteCore>(host, *db, std::move(opt));
    if (!core->start(why)) return nullptr;
    return new AppRoute(host, std::move(core));
}

const char *const kRequires[] = {"res_pgsql", nullptr};

const ModuleInfo info = {kModuleAbi,
                         "app_route",
                         "Routing: snapshot from PostgreSQL, router service, Route() and route CLI",
                         20,
                         kRequires,
                         nullptr,
                         load};

}  // namespace
}  // namespace vce::approute

VCE_MODULE(vce::approute::info)
