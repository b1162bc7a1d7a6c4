// Loads, orders, reloads and unloads the daemon's .so modules (dlopen RTLD_NOW|RTLD_LOCAL).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vce/Config.h"
#include "vce/Module.h"

namespace vce {

class Host;

class ModuleLoader {
public:
    ModuleLoader(Host &host, std::vector<std::string> dirs);
    ~ModuleLoader();  // unloads everything, in reverse load order

    // Loads what modules.conf asks for ([modules]: autoload, load =>, noload =>,
    // require =>). Returns an empty string, or why the start must stop (a required
    // module failed). Declined optional modules are logged and skipped. With `only`, just
    // the configured modules it accepts are loaded (vced -m: the resource modules).
    std::string load_configured(const Config &modules_conf,
                                const std::function<bool(const std::string &)> &only = {});

    // Runtime control (vcectl). Each returns an empty string or an error message.
    std::string load(const std::string &name);
    std::string unload(const std::string &name);
    std::string reload(const std::string &name);
    // Reloads every module that supports it; returns the errors, one per line.
    std::string reload_all();
    void unload_all();

    struct Row {
        std::string name, description, state;
        int priority;
        std::vector<std::string>
        requires;
    };
    std::vector<Row> show() const;
    bool loaded(const std::string &name) const;

private:
    struct Loaded;
    struct Candidate;
    std::string find_file(const std::string &name) const;
    std::string open(const std::string &name, std::unique_ptr<Candidate> &out);
    std::string start(std::unique_ptr<Candidate> c);

    Host &host_;
    std::vector<std::string> dirs_;
    std::vector<std::unique_ptr<Loaded>> loaded_;  // in load order
};

// "res_pgsql.so" and "res_pgsql" both name res_pgsql.
std::string module_name(const std::string &file_or_name);

}  // namespace vce
