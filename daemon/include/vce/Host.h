// What the core offers to modules: the loop, cross-thread posting, CLI registration,
// configuration, and a registry of services (database, dialplan registry, channel
// technologies) that modules provide to each other — instead of shared globals.
#pragma once

#include <functional>
#include <string>
#include <typeinfo>

#include "vce/Cli.h"
#include "vce/Config.h"

struct event_base;

namespace vce {

class Host {
public:
    virtual ~Host() = default;

    // The core thread's libevent loop. Touch it only on the core thread.
    virtual event_base *loop() = 0;
    // Run fn on the core thread; safe from any thread.
    virtual void post(std::function<void()> fn) = 0;

    // Configuration directory and parsed files (throws ConfigError with file:line).
    virtual const std::string &confdir() const = 0;
    virtual Config config(const std::string &file) const = 0;
    // The [general] section of vced.conf.
    virtual const ConfigSection &general() const = 0;
    // Where modules keep state that must survive a restart (spools).
    virtual const std::string &statedir() const = 0;
    // This daemon's node name (vced.conf node_id, default the host name).
    virtual const std::string &node() const = 0;

    // vcectl commands; a registration lives until removed (remove them on unload).
    virtual void register_cli(const CliCommand &cmd) = 0;
    virtual void unregister_cli(const std::string &words) = 0;

    // Services by name; safe from any thread. provide() fails (returns false) if the name is
    // taken. A pointer stays valid while its module is loaded, and `module unload` refuses
    // a module that another loaded module requires or lists as optional.
    template <class T>
    bool provide(const std::string &name, T *svc) {
        return provide_raw(name, typeid(T).name(), svc);
    }
    template <class T>
    T *service(const std::string &name) const {
        return static_cast<T *>(service_raw(name, typeid(T).name()));
    }
    virtual void withdraw(const std::string &name) = 0;

    // Ask the daemon to stop (as SIGTERM would).
    virtual void request_shutdown() = 0;

protected:
    virtual bool provide_raw(const std::string &name, const char *type, void *svc) = 0;
    virtual void *service_raw(const std::string &name, const char *type) const = 0;
};

// Well-known service names.
namespace services {
constexpr const char *kDatabase = "database";  // vce::Database (res_pgsql)
constexpr const char *kDialplan = "dialplan";  // dialplan registry (core)
constexpr const char *kChannels = "channels";  // channel technologies (core)
}  // namespace services

}  // namespace vce
