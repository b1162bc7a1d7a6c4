// res_sms: the short-message server of seed 004 as a module. Reads res_sms.conf, starts the
// server on the core thread's loop over the "router" (app_route) and "location" (chan_sip)
// services, adds `sms show status`.
#include <memory>

#include "modules/res_sms/SmsServer.h"
#include "vce/Host.h"
#include "vce/LocationService.h"
#include "vce/Log.h"
#include "vce/Module.h"
#include "vce/RouteService.h"

namespace vce::sms {
namespace {

class ResSms : public Module {
public:
    ResSms(Host &host, std::unique_ptr<SmsServer> server)
        : host_(host), server_(std::move(server)) {
        provided_ = host_.provide<FramedMessageSink>(services::kFramedMessages, server_.get());
        host_.register_cli({"sms show status", "sms show status",
                            "the framed short-message port, its terminals and counters",
                            [this](auto r) { r->reply(0, server_->status()); }});
    }
    ~ResSms() override {
        host_.unregister_cli("sms show status");
        if (provided_) host_.withdraw(services::kFramedMessages);
    }

private:
    Host &host_;
    std::unique_ptr<SmsServer> server_;
    bool provided_ = false;
};

Module *load(Host &host, std::string &why) {
    auto *router = host.service<RouteService>(services::kRouter);
    auto *location = host.service<LocationService>(services::kLocation);
    if (!router || !location) {
        why = "needs the \"router\" service (app_route) and the \"location\" service (chan_sip)";
        return nullptr;
    }
    try {
        auto server = std::make_unique<SmsServer>(
            host, SmsConfig::from(host.config("res_sms.conf")), *router, *location);
        why = server->start();
        if (!why.empty()) return nullptr;
        return new ResSms(host, std::move(server));
    } catch (const ConfigError &e) {
        why = e.what();
        return nullptr;
    }
}

const char *const kRequires[] = {"app_route", "chan_sip", nullptr};

const ModuleInfo info = {
    kModuleAbi, "res_sms", "Short-message server: framed messages on their own port (seed 004)",
    40,         kRequires, nullptr,
    load};

}  // namespace
}  // namespace vce::sms

VCE_MODULE(vce::sms::info)
