// A configurable test module for the loader tests: the macros below (set per build)
// choose its name, requirements, priority, ABI and whether it declines.
#include <string>
#include <vector>

#include "vce/Host.h"
#include "vce/Module.h"

#ifndef TM_ABI
#define TM_ABI ::vce::kModuleAbi
#endif
#ifndef TM_PRIO
#define TM_PRIO 0
#endif

namespace {

// Appends "load NAME" / "unload NAME" to the test's trace service.
class TraceModule : public vce::Module {
public:
    explicit TraceModule(vce::Host &h) : host_(h) {
        trace("load");
#ifdef TM_PROVIDES
        host_.provide<int>(TM_PROVIDES, &service_);
#endif
    }
    ~TraceModule() override {
#ifdef TM_PROVIDES
        host_.withdraw(TM_PROVIDES);
#endif
        trace("unload");
    }
    bool can_reload() const override {
        return true;
    }
    // Busy while the test's "busy" service holds a non-empty reason.
    std::string busy() const override {
        auto *b = host_.service<std::string>("busy");
        return b ? *b : "";
    }
    bool reload(std::string &) override {
        trace("reload");
        return true;
    }

private:
    void trace(const char *what) {
        if (auto *t = host_.service<std::vector<std::string>>("trace"))
            t->push_back(std::string(what) + " " + TM_NAME);
    }
    vce::Host &host_;
    int service_ = 0;
};

vce::Module *load(vce::Host &host, std::string &why) {
#ifdef TM_DECLINE
    why = "no hardware found";
    return nullptr;
#else
    return new TraceModule(host);
#endif
}

#ifdef TM_REQUIRES
const char *const requires_list[] = {TM_REQUIRES, nullptr};
#else
const char *const *requires_list = nullptr;
#endif

#ifdef TM_OPTIONAL
const char *const optional_list[] = {TM_OPTIONAL, nullptr};
#else
const char *const *optional_list = nullptr;
#endif

const vce::ModuleInfo info = {TM_ABI,        TM_NAME, "loader test module", TM_PRIO, requires_list,
                              optional_list, load};

}  // namespace

VCE_MODULE(info)
