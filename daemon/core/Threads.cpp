// Registry of named daemon threads.
#include "vce/Threads.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <map>
#include <mutex>

namespace vce {
namespace threads {
namespace {
std::mutex g_mutex;
std::map<long, std::string> g_threads;
long tid() {
    return static_cast<long>(syscall(SYS_gettid));
}
}  // namespace

void enter(const std::string &name) {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_threads[tid()] = name;
}

void leave() {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_threads.erase(tid());
}

std::vector<std::string> list() {
    std::lock_guard<std::mutex> lock(g_mutex);
    std::vector<std::string> out;
    for (const auto &[id, name] : g_threads) out.push_back(std::to_string(id) + "  " + name);
    return out;
}

}  // namespace threads
}  // namespace vce
