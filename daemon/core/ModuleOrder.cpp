// Topological ordering of modules by requirements, ties broken by priority then name.
#include "core/ModuleOrder.h"

#include <algorithm>
#include <set>

namespace vce {

ModulePlan plan_module_order(const std::vector<ModuleSpec> &specs) {
    ModulePlan plan;
    std::map<std::string, const ModuleSpec *> byname;
    for (const auto &s : specs) byname[s.name] = &s;

    // Refuse modules whose requirements are absent, until nothing changes.
    std::set<std::string> alive;
    for (const auto &s : specs) alive.insert(s.name);
    for (bool changed = true; changed;) {
        changed = false;
        for (const auto &s : specs) {
            if (!alive.count(s.name)) continue;
            for (const auto &r : s.requires) {
                if (alive.count(r)) continue;
                auto why = plan.refused.find(r);
                plan.refused[s.name] =
                    why != plan.refused.end()
                        ? "requires " + r + ", which cannot load (" + why->second + ")"
                        : "requires " + r + ", which is not available";
                alive.erase(s.name);
                changed = true;
                break;
            }
        }
    }

    // Kahn's algorithm; among ready modules pick the lowest (priority, name).
    std::map<std::string, std::set<std::string>> waits;  // module -> what it still waits for
    for (const auto &name : alive) {
        const ModuleSpec *s = byname[name];
        auto &w = waits[name];
        for (const auto &r : s->requires) w.insert(r);
        for (const auto &o : s->optional)
            if (alive.count(o) && o != name) w.insert(o);
    }
    auto before = [&](const std::string &a, const std::string &b) {
        const ModuleSpec *x = byname[a], *y = byname[b];
        return x->priority != y->priority ? x->priority < y->priority : a < b;
    };
    while (!waits.empty()) {
        std::vector<std::string> ready;
        for (const auto &[name, w] : waits)
            if (w.empty()) ready.push_back(name);
        if (ready.empty()) {
            // Optional edges must not block: drop them and retry before calling it a cycle.
            bool dropped = false;
            for (auto &[name, w] : waits) {
                for (const auto &o : byname[name]->optional) dropped |= w.erase(o) > 0;
            }
            if (dropped) continue;
            std::string members;
            for (const auto &[name, w] : waits) members += (members.empty() ? "" : ", ") + name;
            for (const auto &[name, w] : waits)
                plan.refused[name] = "requirement cycle among " + members;
            break;
        }
        std::string next = *std::min_element(ready.begin(), ready.end(), before);
        plan.order.push_back(next);
        waits.erase(next);
        for (auto &[name, w] : waits) w.erase(next);
    }
    return plan;
}

}  // namespace vce
