// Process-wide logger (see vce/Log.h).
#include "vce/Log.h"

#include <sys/time.h>
#include <syslog.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace vce {
namespace log {
namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::Notice)};
std::atomic<bool> g_stderr{true};
std::mutex g_mutex;
const char *const kNames[] = {"ERROR", "WARNING", "NOTICE", "INFO", "DEBUG"};
const int kSyslog[] = {LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG};
}  // namespace

void to_stderr(bool on) {
    if (!on) openlog("vced", LOG_PID | LOG_NDELAY, LOG_DAEMON);
    g_stderr = on;
}
void set_level(LogLevel l) {
    g_level = static_cast<int>(l);
}
LogLevel level() {
    return static_cast<LogLevel>(g_level.load(std::memory_order_relaxed));
}

static void vwrite(LogLevel lvl, const char *fmt, va_list ap) {
    if (static_cast<int>(lvl) > g_level.load(std::memory_order_relaxed)) return;
    char msg[2048];
    std::vsnprintf(msg, sizeof msg, fmt, ap);
    int i = static_cast<int>(lvl);
    if (!g_stderr) {
        syslog(kSyslog[i], "%s: %s", kNames[i], msg);
        return;
    }
    struct timeval tv;
    gettimeofday(&tv, nullptr);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    char ts[32];
    std::strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
    std::lock_guard<std::mutex> lock(g_mutex);
    std::fprintf(stderr, "[%s.%03ld] %s: %s\n", ts, static_cast<long>(tv.tv_usec / 1000), kNames[i],
                 msg);
}

void write(LogLevel lvl, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vwrite(lvl, fmt, ap);
    va_end(ap);
}

void security(const std::string &event, const std::string &ip, int port,
              const std::string &detail) {
    write(LogLevel::Warning, "SECURITY event=%s remote=%s:%d %s", event.c_str(), ip.c_str(), port,
          detail.c_str());
}

}  // namespace log
}  // namespace vce
