// The loadable-module ABI: each .so exports one extern "C" function returning its descriptor.
#pragma once

#include <string>

namespace vce {

class Host;

// Bumped whenever Host, Module or ModuleInfo change incompatibly; a module built for
// another ABI is refused with both numbers in the message.
constexpr unsigned kModuleAbi = 5;

// A loaded module instance. Deleting it unloads the module's work (unregister
// everything it registered); the loader does that in reverse load order.
class Module {
public:
    virtual ~Module() = default;
    // Re-read configuration. Return false with `error` set to keep the old state;
    // modules that cannot reload leave the default.
    virtual bool reload(std::string &error) {
        error = "reload not supported";
        return false;
    }
    virtual bool can_reload() const { return false; }
    // Why the module cannot be unloaded now ("2 TDM calls hold channel technology SIP"), or
    // "" when it can. Asked by `module unload`; shutdown unloads regardless.
    virtual std::string busy() const { return ""; }
};

struct ModuleInfo {
    unsigned abi;      // kModuleAbi
    const char *name;  // "res_pgsql"; must match the file name without .so
    const char *description;
    int priority;                 // lower loads earlier once requirements are met
    const char *const *requires;  // null-terminated list of module names, or nullptr
    const char *const *optional;  // loaded first when present, or nullptr
    // Returns the instance, or nullptr with `why` set to decline the load.
    Module *(*load)(Host &host, std::string &why);
};

}  // namespace vce

#define VCE_MODULE_ENTRY vce_module_info
#define VCE_MODULE_ENTRY_NAME "vce_module_info"
// In exactly one file of a module: VCE_MODULE(info_object)
#define VCE_MODULE(info)                                                                           \
    extern "C" __attribute__((visibility("default"))) const ::vce::ModuleInfo *vce_module_info() { \
        return &(info);                                                                            \
    }
