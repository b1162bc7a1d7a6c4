// Redirects sofia-sip's logs into vce::log (see SofiaLog.h); runs on the SIP threads.
#include "SofiaLog.h"

#include <sofia-sip/su_log.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "LogRateLimit.h"
#include "vce/Log.h"

// The component logs sofia-sip exports but does not declare in its public headers.
extern "C" {
extern su_log_t tport_log[];
extern su_log_t nta_log[];
extern su_log_t nua_log[];
extern su_log_t sresolv_log[];
extern su_log_t nea_log[];
extern su_log_t stun_log[];
extern su_log_t soa_log[];
}

namespace vce::sip::sofia_log {
namespace {

struct Component {
    su_log_t *log;
    const char *name;
};
const Component kComponents[] = {{su_log_default, "su"}, {tport_log, "tport"},     {nta_log, "nta"},
                                 {nua_log, "nua"},       {sresolv_log, "sresolv"}, {nea_log, "nea"},
                                 {stun_log, "stun"},     {soa_log, "soa"}};

// A flood of identical transport errors (a dead peer retried per request) must not drown the
// log or cost the SIP thread its time: 20 lines at once, then 5 a second.
std::mutex g_mutex;
LogRateLimit g_limit(20, 5);
LogLevel g_level = LogLevel::Warning;

// sofia writes one line in several calls (the last ends in '\n'); each thread keeps its own
// partial line per component. Plain arrays: a thread_local with a destructor would keep the
// module loaded past its unload (glibc defers dlclose until such threads end).
constexpr size_t kComponentCount = sizeof kComponents / sizeof kComponents[0];
constexpr size_t kLineMax = 1024;
thread_local char t_line[kComponentCount][kLineMax];
thread_local size_t t_len[kComponentCount];

void emit(const Component &c, char *line, size_t len) {
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) --len;
    if (len == 0) return;
    line[len] = '\0';
    double now =
        std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    LogRateLimit::Verdict v;
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        v = g_limit.admit(now);
    }
    if (v.suppressed)
        log::write(LogLevel::Warning, "sofia: %llu messages suppressed (rate limit)",
                   static_cast<unsigned long long>(v.suppressed));
    // Most of sofia's lines already start with their component ("nta: ..."): not twice.
    const size_t nl = std::strlen(c.name);
    if (std::strncmp(line, c.name, nl) == 0 && line[nl] == ':' && line[nl + 1] == ' ')
        line += nl + 2;
    if (v.log) log::write(g_level, "sofia %s: %s", c.name, line);
}

void logger(void *stream, char const *fmt, va_list ap) {
    const auto *c = static_cast<const Component *>(stream);
    const size_t k = static_cast<size_t>(c - kComponents);
    char *line = t_line[k];
    size_t &len = t_len[k];
    // A line longer than the buffer is cut; what is cut is not written at all.
    int n = std::vsnprintf(line + len, kLineMax - len, fmt, ap);
    if (n < 0) return;
    len = std::min(len + static_cast<size_t>(n), kLineMax - 1);
    if (len > 0 && (line[len - 1] == '\n' || len == kLineMax - 1)) {
        emit(*c, line, len);
        len = 0;
    }
}

}  // namespace

void install() {
    // sofia's levels: 0 fatal .. 3 warning .. 5 notice .. 7 info .. 9 debug. At vced's default
    // (notice) its warnings and worse come through as WARNING; with -v its notices as INFO,
    // with -vv its info as DEBUG. Level 9 is never asked for: it dumps whole messages,
    // bodies and credentials included.
    unsigned threshold = 3;
    g_level = LogLevel::Warning;
    if (log::level() >= LogLevel::Debug)
        threshold = 7, g_level = LogLevel::Debug;
    else if (log::level() >= LogLevel::Info)
        threshold = 5, g_level = LogLevel::Info;
    for (const Component &c : kComponents) {
        su_log_redirect(c.log, &logger, const_cast<Component *>(&c));
        su_log_set_level(c.log, threshold);
    }
}

void uninstall() {
    for (const Component &c : kComponents) su_log_redirect(c.log, nullptr, nullptr);
}

}  // namespace vce::sip::sofia_log
