// Process-wide logger (see vce/Log.h).
#include "vce/Log.h"

#include <sys/stat.h>
#include <sys/time.h>
#include <syslog.h>

#include <algorithm>
#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>

namespace vce {
namespace log {
namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::Notice)};
std::atomic<bool> g_stderr{true};
std::atomic<bool> g_journal{false};  // stderr is systemd's journal stream
std::mutex g_mutex;
const char *const kNames[] = {"ERROR", "WARNING", "NOTICE", "INFO", "DEBUG"};
const int kSyslog[] = {LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG};
}  // namespace

// systemd sets JOURNAL_STREAM=dev:ino for the stream it connects to stdout/stderr; when that
// is our stderr, each line starts with its syslog priority ("<4>") instead of a time stamp
// (the journal has its own), so `journalctl -p warning` filters by level.
static bool stderr_is_journal() {
    const char *js = std::getenv("JOURNAL_STREAM");
    struct stat st;
    unsigned long long dev = 0, ino = 0;
    if (!js || std::sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(2, &st) != 0) return false;
    return static_cast<unsigned long long>(st.st_dev) == dev &&
           static_cast<unsigned long long>(st.st_ino) == ino;
}

void to_stderr(bool on) {
    if (!on) openlog("vced", LOG_PID | LOG_NDELAY, LOG_DAEMON);
    g_journal = on && stderr_is_journal();
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
    int n = std::vsnprintf(msg, sizeof msg, fmt, ap);
    // One event, one line: a line break inside (a multi-line error, or a name a remote peer
    // chose) must not start a line of its own that a reader or fail2ban would take for ours.
    size_t len = n < 0 ? 0 : std::min(static_cast<size_t>(n), sizeof msg - 1);
    while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '\r')) msg[--len] = '\0';
    for (size_t k = 0; k < len; ++k)
        if (static_cast<unsigned char>(msg[k]) < 0x20 && msg[k] != '\t')
            msg[k] = msg[k] == '\n' ? ' ' : '?';
    int i = static_cast<int>(lvl);
    if (!g_stderr) {
        syslog(kSyslog[i], "%s: %s", kNames[i], msg);
        return;
    }
    if (g_journal) {
        std::lock_guard<std::mutex> lock(g_mutex);
        std::fprintf(stderr, "<%d>%s: %s\n", kSyslog[i], kNames[i], msg);
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
