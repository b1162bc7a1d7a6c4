// Dialplan service: file loading (the dialplan library does no I/O), atomic swap, CLI.
#include "vce/DialplanService.h"

#include <fstream>
#include <sstream>

#include "vce/CallDriver.h"
#include "vce/Host.h"
#include "vce/Log.h"

namespace vce {

namespace {
bool read_text(const std::string &path, std::string &text) {
    std::ifstream in(path);
    if (!in) return false;
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
    return true;
}
}  // namespace

DialplanService::DialplanService(Host &host, std::string path)
    : host_(host), path_(std::move(path)) {
    plan_ = dialplan::Dialplan::parse("", "(empty)");
    register_channel_functions(registry_);
    // Dial waits; the channel that owns the call performs it and resumes with DIALSTATUS.
    registry_.add_application(
        "Dial", [](dialplan::Execution &, const std::vector<std::string> &args) {
            return args.empty() || args[0].empty() ? dialplan::AppResult::next()
                                                   : dialplan::AppResult::wait();
        });
    host_.register_cli({"dialplan reload", "dialplan reload",
                        "parse extensions.conf again and swap it in", [this](auto r) {
                            std::string err = reload();
                            if (err.empty())
                                r->reply(0, "dialplan reloaded from " + path_ + "\n");
                            else
                                r->reply(1, "dialplan kept; " + err + "\n");
                        }});
    host_.register_cli(
        {"dialplan show", "dialplan show [CONTEXT]", "print the dialplan", [this](auto r) {
             auto plan = current();
             std::string ctx = r->args().empty() ? "" : r->args()[0];
             if (!ctx.empty() && !plan->context(ctx))
                 return r->reply(1, "there is no context [" + ctx + "] in the dialplan\n");
             r->reply(0, plan->show(ctx));
         }});
}

DialplanService::~DialplanService() {
    host_.unregister_cli("dialplan reload");
    host_.unregister_cli("dialplan show");
}

std::shared_ptr<const dialplan::Dialplan> DialplanService::current() const {
    return std::atomic_load(&plan_);
}

std::string DialplanService::reload() {
    try {
        auto plan = dialplan::Dialplan::parse_file(path_, read_text);
        std::atomic_store(&plan_, plan);
        VCE_LOG_NOTICE("dialplan loaded from %s (%zu contexts)", path_.c_str(),
                       plan->context_names().size());
        return "";
    } catch (const std::exception &e) {
        VCE_LOG_ERROR("dialplan not loaded: %s", e.what());
        return e.what();
    }
}

}  // namespace vce
