// Ordering a destination's alternatives by priority, weight and health (see Alternatives.h).
#include "routing/Alternatives.h"

#include <algorithm>

namespace vce::routing {

namespace {

// Rotates one run of equal priority so that the weighted pick comes first.
void spread_run(std::vector<Alternative> &alts, size_t from, size_t to, uint64_t spread) {
    if (to - from < 2) return;
    // Weight 0 goes after the weighted ones, in its order.
    std::stable_partition(alts.begin() + static_cast<long>(from),
                          alts.begin() + static_cast<long>(to),
                          [](const Alternative &a) { return a.weight > 0; });
    size_t weighted = from;
    uint64_t total = 0;
    while (weighted < to && alts[weighted].weight > 0) total += alts[weighted++].weight;
    if (total == 0) {  // all weigh 0: each counts 1
        weighted = to;
        total = to - from;
    }
    uint64_t slot = spread % total;
    size_t pick = from;
    for (; pick < weighted; ++pick) {
        uint64_t w = alts[pick].weight > 0 ? static_cast<uint64_t>(alts[pick].weight) : 1;
        if (slot < w) break;
        slot -= w;
    }
    std::rotate(alts.begin() + static_cast<long>(from), alts.begin() + static_cast<long>(pick),
                alts.begin() + static_cast<long>(weighted));
}

}  // namespace

size_t order_alternatives(std::vector<Alternative> &alts, uint64_t spread, const HostHealth *health,
                          std::vector<std::string> *dropped) {
    std::stable_sort(alts.begin(), alts.end(), [](const Alternative &a, const Alternative &b) {
        return a.priority < b.priority;
    });
    for (size_t from = 0; from < alts.size();) {
        size_t to = from + 1;
        while (to < alts.size() && alts[to].priority == alts[from].priority) ++to;
        spread_run(alts, from, to, spread);
        from = to;
    }
    if (!health) return 0;
    auto is_down = [health](const Alternative &a) {
        return !a.host.empty() && health->down(a.host);
    };
    size_t down = static_cast<size_t>(std::count_if(alts.begin(), alts.end(), is_down));
    if (down == 0 || down == alts.size()) return 0;
    if (dropped)
        for (const Alternative &a : alts)
            if (is_down(a)) dropped->push_back(a.name);
    alts.erase(std::remove_if(alts.begin(), alts.end(), is_down), alts.end());
    return down;
}

}  // namespace vce::routing
