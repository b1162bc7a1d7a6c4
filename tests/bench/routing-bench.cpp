// Benchmark (not a test): routing decisions per second on one core and memory per number
// for a snapshot of one million member numbers.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "routing/Router.h"
#include "routing/Snapshot.h"

using namespace vce::routing;

namespace {

long rss_kib() {
    FILE *f = std::fopen("/proc/self/statm", "r");
    if (!f) return 0;
    long pages = 0, resident = 0;
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
    return resident * 4;
}

std::string pin(int i) {  // 02-1xxx-xxxx-082 -> "021xxxxxxx082"
    char buf[32];
    std::snprintf(buf, sizeof buf, "02%08d082", 10000000 + i);
    return buf;
}

}  // namespace

int main(int argc, char **argv) {
    const int n = argc > 1 ? std::atoi(argv[1]) : 1000000;
    const int decisions = argc > 2 ? std::atoi(argv[2]) : 5000000;

    long before = rss_kib();
    auto t0 = std::chrono::steady_clock::now();
    SnapshotBuilder b;
    b.add_builtin_countries()
        .add_centre({"seoul", "082", "10.0.0.1:5060", true})
        .add_centre({"newyork", "001", "10.0.1.1:5060", false})
        .add_trunk({"kr-pstn", "082", 0, ""})
        .reserve(n, n);
    char contact[32];
    for (int i = 0; i < n; ++i) {
        std::string p = pin(i);
        std::snprintf(contact, sizeof contact, "+822%08d", 10000000 + i);
        b.add_account(p, (i & 1) ? contact : "");
        b.add_number(p, p, (i & 1) ? contact : "");
    }
    for (int i = 0; i < 1000; ++i) b.add_branch(std::to_string(50000000 + i), "082", pin(i));
    auto snap = b.build();
    auto t1 = std::chrono::steady_clock::now();
    long after = rss_kib();

    // Dialled forms in a random order: written PINs, account usernames, national PSTN
    // numbers, VNS branches.
    std::mt19937 rng(42);
    std::vector<std::string> dialled;
    const int distinct = 1 << 20;
    dialled.reserve(distinct);
    for (int k = 0; k < distinct; ++k) {
        int i = static_cast<int>(rng() % n);
        char buf[48];
        switch (k % 4) {
            case 0:
                std::snprintf(buf, sizeof buf, "02-%04d-%04d-082", (10000000 + i) / 10000,
                              (10000000 + i) % 10000);
                break;
            case 1:
                std::snprintf(buf, sizeof buf, "%s", pin(i).c_str());
                break;
            case 2:
                std::snprintf(buf, sizeof buf, "02-%04d-%04d", 3000 + i % 6000, i % 10000);
                break;
            default:
                std::snprintf(buf, sizeof buf, "%d#082", 50000000 + i % 1000);
                break;
        }
        dialled.emplace_back(buf);
    }

    Router router;
    Decision d;
    size_t routed = 0;
    for (int k = 0; k < 100000; ++k) router.route(*snap, dialled[k & (distinct - 1)], "", "", d);
    auto t2 = std::chrono::steady_clock::now();
    for (int k = 0; k < decisions; ++k) {
        router.route(*snap, dialled[k & (distinct - 1)], "", "", d);
        routed += d.ok();
    }
    auto t3 = std::chrono::steady_clock::now();

    double build_s = std::chrono::duration<double>(t1 - t0).count();
    double run_s = std::chrono::duration<double>(t3 - t2).count();
    std::printf("snapshot: %d numbers + %d accounts built in %.2f s\n", n, n, build_s);
    std::printf("memory per number: %.1f bytes (snapshot tables), %.1f bytes (RSS growth)\n",
                static_cast<double>(snap->memory()) / n,
                static_cast<double>(after - before) * 1024.0 / n);
    std::printf("decisions: %d in %.3f s on one core = %.0f decisions/s (%zu routed)\n", decisions,
                run_s, decisions / run_s, routed);
    return routed == static_cast<size_t>(decisions) ? 0 : 1;
}
