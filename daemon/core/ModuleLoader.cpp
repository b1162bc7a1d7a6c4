// Module loader: dlopen, ABI check, requirement ordering, decline propagation, unload.
#include "core/ModuleLoader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/CoreHost.h"
#include "core/ModuleOrder.h"
#include "vce/Host.h"
#include "vce/Log.h"

namespace vce {

// The handle is never dlclose()d: a module's code stays mapped after unload (RTLD_NODELETE),
// so callbacks it left with other modules (a query in flight, a std::function being
// destroyed) can never jump into unmapped memory. Loading a rebuilt .so needs a restart.
struct ModuleLoader::Candidate {
    void *handle = nullptr;
    const ModuleInfo *info = nullptr;
    std::string path;
};

struct ModuleLoader::Loaded {
    std::unique_ptr<Candidate> c;
    Module *instance = nullptr;
    std::vector<std::string> services;  // the host services it provided while loading
    ~Loaded() {
        delete instance;  // the module's own destructor unregisters its work
    }
};

std::string module_name(const std::string &s) {
    std::string n = s.substr(s.rfind('/') == std::string::npos ? 0 : s.rfind('/') + 1);
    if (n.size() > 3 && n.compare(n.size() - 3, 3, ".so") == 0) n.resize(n.size() - 3);
    return n;
}

static std::vector<std::string> list_of(const char *const *names) {
    std::vector<std::string> out;
    for (; names && *names; ++names) out.push_back(*names);
    return out;
}

ModuleLoader::ModuleLoader(Host &host, std::vector<std::string> dirs)
    : host_(host), dirs_(std::move(dirs)) {}

ModuleLoader::~ModuleLoader() {
    unload_all();
}

std::string ModuleLoader::find_file(const std::string &name) const {
    struct stat st;
    for (const auto &d : dirs_) {
        for (const std::string &p :
             {d + "/" + name + ".so", d + "/" + name + "/.libs/" + name + ".so"})
            if (stat(p.c_str(), &st) == 0) return p;
    }
    return "";
}

std::string ModuleLoader::open(const std::string &name, std::unique_ptr<Candidate> &out) {
    std::string path = find_file(name);
    if (path.empty()) {
        std::string where;
        for (const auto &d : dirs_) where += (where.empty() ? "" : ", ") + d;
        return "module " + name + ".so not found in " + where;
    }
    auto c = std::make_unique<Candidate>();
    c->path = path;
    c->handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!c->handle) return std::string("cannot load ") + path + ": " + dlerror();
    auto entry = reinterpret_cast<const ModuleInfo *(*)()>(dlsym(c->handle, VCE_MODULE_ENTRY_NAME));
    if (!entry) return path + " is not a vce module (no " VCE_MODULE_ENTRY_NAME " entry point)";
    c->info = entry();
    if (!c->info) return path + ": entry point returned no descriptor";
    if (c->info->abi != kModuleAbi)
        return path + " was built for module ABI " + std::to_string(c->info->abi) +
               ", this vced has ABI " + std::to_string(kModuleAbi) + "; rebuild the module";
    if (!c->info->name || name != c->info->name)
        return path + " calls itself " + (c->info->name ? c->info->name : "(null)") +
               ", expected " + name;
    if (!c->info->load) return path + " has no load function";
    out = std::move(c);
    return "";
}

std::string ModuleLoader::start(std::unique_ptr<Candidate> c) {
    std::string why;
    Module *m = nullptr;
    auto *core = dynamic_cast<CoreHost *>(&host_);
    const std::vector<std::string> before =
        core ? core->service_names() : std::vector<std::string>{};
    try {
        m = c->info->load(host_, why);
    } catch (const std::exception &e) {
        why = e.what();
    }
    if (!m) return why.empty() ? "declined to load" : why;
    auto l = std::make_unique<Loaded>();
    l->c = std::move(c);
    l->instance = m;
    if (core)
        for (const auto &n : core->service_names())
            if (std::find(before.begin(), before.end(), n) == before.end())
                l->services.push_back(n);
    VCE_LOG_NOTICE("loaded module %s (%s)", l->c->info->name, l->c->info->description);
    loaded_.push_back(std::move(l));
    return "";
}

std::string ModuleLoader::load_configured(const Config &conf,
                                          const std::function<bool(const std::string &)> &only) {
    const ConfigSection *sec = conf.section("modules");
    static const ConfigSection empty;
    if (!sec) sec = &empty;
    std::set<std::string> wanted, noload, required;
    std::vector<std::string> listed;
    if (sec->get_bool("autoload", false)) {
        for (const auto &d : dirs_) {
            DIR *dir = opendir(d.c_str());
            if (!dir) continue;
            while (dirent *e = readdir(dir)) {
                std::string f = e->d_name;
                if (f.size() > 3 && f.compare(f.size() - 3, 3, ".so") == 0)
                    wanted.insert(module_name(f));
            }
            closedir(dir);
        }
    }
    for (const auto &e : sec->entries) {
        if (e.key == "autoload") continue;
        if (e.key != "load" && e.key != "noload" && e.key != "require" && e.key != "preload")
            throw ConfigError(
                e.file, e.line,
                "unknown keyword '" + e.key + "' in [modules]; expected load, noload or require");
        std::string n = module_name(e.value);
        if (n.empty()) throw ConfigError(e.file, e.line, "expected a module name after " + e.key);
        if (e.key == "noload")
            noload.insert(n);
        else
            wanted.insert(n);
        if (e.key == "require") required.insert(n);
    }
    for (const auto &n : noload) wanted.erase(n);
    if (only) {
        for (auto it = wanted.begin(); it != wanted.end();)
            it = only(*it) ? std::next(it) : wanted.erase(it);
        for (auto it = required.begin(); it != required.end();)
            it = only(*it) ? std::next(it) : required.erase(it);
    }
    for (const auto &n : required)
        if (noload.count(n))
            return "module " + n + " is both required and noload in " + conf.path();

    std::map<std::string, std::unique_ptr<Candidate>> cands;
    std::map<std::string, std::string> failed;
    std::vector<ModuleSpec> specs;
    for (const auto &n : wanted) {
        std::unique_ptr<Candidate> c;
        std::string err = open(n, c);
        if (!err.empty()) {
            failed[n] = err;
            continue;
        }
        specs.push_back(
            {n, c->info->priority, list_of(c->info->requires), list_of(c->info->optional)});
        cands[n] = std::move(c);
    }
    ModulePlan plan = plan_module_order(specs);
    for (auto &[n, why] : plan.refused) failed[n] = why;
    for (const auto &n : plan.order) {
        // A module that declined takes its dependents down with it.
        std::string why;
        for (const auto &r : list_of(cands[n]->info->requires))
            if (failed.count(r)) why = "requires " + r + ", which did not load (" + failed[r] + ")";
        if (why.empty()) why = start(std::move(cands[n]));
        if (!why.empty()) failed[n] = why;
    }
    std::string fatal;
    for (const auto &[n, why] : failed) {
        if (required.count(n)) {
            VCE_LOG_ERROR("required module %s failed to load: %s", n.c_str(), why.c_str());
            fatal +=
                (fatal.empty() ? "" : "; ") + ("required module " + n + " failed to load: " + why);
        } else {
            VCE_LOG_WARNING("module %s not loaded: %s", n.c_str(), why.c_str());
        }
    }
    return fatal;
}

bool ModuleLoader::loaded(const std::string &name) const {
    for (const auto &l : loaded_)
        if (name == l->c->info->name) return true;
    return false;
}

std::string ModuleLoader::load(const std::string &raw) {
    std::string name = module_name(raw);
    if (loaded(name)) return "module " + name + " is already loaded";
    std::unique_ptr<Candidate> c;
    std::string err = open(name, c);
    if (!err.empty()) return err;
    for (const auto &r : list_of(c->info->requires))
        if (!loaded(r))
            return "module " + name + " requires " + r + ", which is not loaded; load it first";
    err = start(std::move(c));
    return err.empty() ? "" : "module " + name + " declined to load: " + err;
}

std::string ModuleLoader::unload(const std::string &raw) {
    std::string name = module_name(raw);
    auto it = std::find_if(loaded_.begin(), loaded_.end(),
                           [&](auto &l) { return name == l->c->info->name; });
    if (it == loaded_.end()) return "module " + name + " is not loaded";
    // A dependant holds pointers to this module's services whether it required them or
    // took them because they were there (optional), so both refuse the unload. (Channel
    // technologies are counted per call instead: see busy() and ChannelRegistry.)
    const bool provides = !(*it)->services.empty();
    for (const auto &l : loaded_) {
        for (const auto &r : list_of(l->c->info->requires))
            if (r == name)
                return "module " + name + " is in use by " + l->c->info->name +
                       " (which requires it); unload " + l->c->info->name + " first";
        for (const auto &r : list_of(l->c->info->optional))
            if (r == name && provides)
                return "module " + name + " is in use by " + l->c->info->name +
                       " (which uses its service " + (*it)->services.front() + "); unload " +
                       l->c->info->name + " first";
    }
    const std::string busy = (*it)->instance->busy();
    if (!busy.empty())
        return "module " + name + " is busy: " + busy + "; try again when it is idle";
    loaded_.erase(it);
    VCE_LOG_NOTICE("unloaded module %s", name.c_str());
    return "";
}

std::string ModuleLoader::reload(const std::string &raw) {
    std::string name = module_name(raw);
    for (auto &l : loaded_) {
        if (name != l->c->info->name) continue;
        if (!l->instance->can_reload()) return "module " + name + " does not support reload";
        std::string err;
        if (!l->instance->reload(err))
            return "module " + name + " kept its old configuration: " + err;
        VCE_LOG_NOTICE("reloaded module %s", name.c_str());
        return "";
    }
    return "module " + name + " is not loaded";
}

std::string ModuleLoader::reload_all() {
    std::string errors;
    for (auto &l : loaded_) {
        if (!l->instance->can_reload()) continue;
        std::string err = reload(l->c->info->name);
        if (!err.empty()) errors += err + "\n";
    }
    return errors;
}

void ModuleLoader::unload_all() {
    while (!loaded_.empty()) {
        std::string name = loaded_.back()->c->info->name;
        loaded_.pop_back();
        VCE_LOG_NOTICE("unloaded module %s", name.c_str());
    }
}

std::vector<ModuleLoader::Row> ModuleLoader::show() const {
    std::vector<Row> rows;
    for (const auto &l : loaded_)
        rows.push_back({l->c->info->name, l->c->info->description ? l->c->info->description : "",
                        "running", l->c->info->priority, list_of(l->c->info->requires)});
    return rows;
}

}  // namespace vce
