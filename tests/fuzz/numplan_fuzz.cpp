// libFuzzer target: the number parser and the router over a small seed-like snapshot.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "numplan/NumberPlan.h"
#include "routing/Router.h"

using namespace vce;

namespace {
std::shared_ptr<const routing::Snapshot> snapshot() {
    routing::SnapshotBuilder b;
    b.add_builtin_countries()
        .add_centre({"seoul", "082", "10.0.0.1:5060", true})
        .add_centre({"newyork", "001", "10.0.1.1:5060", false})
        .add_account("0262006200082", "+82262006200")
        .add_number("0262006200082", "0262006200082", "+82262006200")
        .add_branch("62006200", "082", "0262006200082")
        .add_alias("kim@example.com", "0262006200082")
        .add_trunk({"kr-pstn", "082", 0, ""});
    return b.build();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const auto snap = snapshot();
    static routing::Router router;
    std::string_view text(reinterpret_cast<const char *>(data), size);
    numplan::NumberPlan plan;
    for (const char *home : {"082", "001", "049", ""}) {
        auto r = plan.parse(text, home);
        if (r.ok && r.number.canonical.empty()) __builtin_trap();
        if (!r.ok && r.error.empty()) __builtin_trap();
    }
    routing::Trace trace;
    auto d = router.route(*snap, text, text.substr(0, size / 2), "", &trace);
    if (d.ok() == d.target.empty() && d.ok()) __builtin_trap();
    return 0;
}
