// Process-wide logging: levels, timestamps, stderr (foreground) or syslog, and security
// events on their own lines in a fixed form fail2ban can match.
#pragma once

#include <string>

namespace vce {

enum class LogLevel { Error = 0, Warning = 1, Notice = 2, Info = 3, Debug = 4 };

namespace log {

void to_stderr(bool on);  // false: syslog(3)
void set_level(LogLevel level);
LogLevel level();
void write(LogLevel level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

// One line: "SECURITY event=<event> remote=<ip>:<port> <detail>", at Warning level.
// fail2ban: failregex = SECURITY event=\S+ remote=<HOST>:\d+
void security(const std::string &event, const std::string &ip, int port, const std::string &detail);

}  // namespace log
}  // namespace vce

#define VCE_LOG_ERROR(...) ::vce::log::write(::vce::LogLevel::Error, __VA_ARGS__)
#define VCE_LOG_WARNING(...) ::vce::log::write(::vce::LogLevel::Warning, __VA_ARGS__)
#define VCE_LOG_NOTICE(...) ::vce::log::write(::vce::LogLevel::Notice, __VA_ARGS__)
#define VCE_LOG_INFO(...)                                          \
    do {                                                           \
        if (::vce::log::level() >= ::vce::LogLevel::Info)          \
            ::vce::log::write(::vce::LogLevel::Info, __VA_ARGS__); \
    } while (0)
#define VCE_LOG_DEBUG(...)                                          \
    do {                                                            \
        if (::vce::log::level() >= ::vce::LogLevel::Debug)          \
            ::vce::log::write(::vce::LogLevel::Debug, __VA_ARGS__); \
    } while (0)
