// Load order for modules: requirements first, then priority, then name (pure logic).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace vce {

struct ModuleSpec {
    std::string name;
    int priority = 0;
    std::vector<std::string>
    requires;
    std::vector<std::string> optional;
};

struct ModulePlan {
    std::vector<std::string> order;              // load in this order
    std::map<std::string, std::string> refused;  // name -> why it cannot load at all
};

// Modules whose requirements are missing (or refused, transitively) or that take part
// in a requirement cycle are refused with a reason; the rest are ordered.
ModulePlan plan_module_order(const std::vector<ModuleSpec> &specs);

}  // namespace vce
