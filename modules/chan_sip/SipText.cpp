// SIP text helpers.
#include "SipText.h"

#include <cctype>
#include <cstring>

namespace vce::sip {

static std::string unquote(const char *v) {
    std::string s = v;
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    return s;
}

std::string param(msg_param_t const *params, const char *name) {
    size_t n = std::strlen(name);
    for (; params && *params; ++params)
        if (strncasecmp(*params, name, n) == 0 && (*params)[n] == '=') return unquote(*params + n + 1);
    return "";
}

std::map<std::string, std::string> params_of(msg_param_t const *params) {
    std::map<std::string, std::string> out;
    for (; params && *params; ++params) {
        const char *eq = std::strchr(*params, '=');
        if (!eq) continue;
        std::string key(*params, static_cast<size_t>(eq - *params));
        for (auto &c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out[key] = unquote(eq + 1);
    }
    return out;
}

std::string unescape_user(const char *user) {
    std::string out;
    if (!user) return out;
    for (const char *p = user; *p; ++p) {
        if (*p == '%' && std::isxdigit(static_cast<unsigned char>(p[1])) && std::isxdigit(static_cast<unsigned char>(p[2]))) {
            char hex[3] = {p[1], p[2], 0};
            out += static_cast<char>(std::strtol(hex, nullptr, 16));
            p += 2;
        } else {
            out += *p;
        }
    }
    return out;
}

std::string printable(const std::string &s) {
    std::string out;
    for (char c : s) {
        if (out.size() >= 64) break;
        out += std::isprint(static_cast<unsigned char>(c)) && c != ' ' ? c : '?';
    }
    return out;
}

}  // namespace vce::sip
