// SIP text helpers.
#include "SipText.h"

#include <sofia-sip/msg.h>

#include <cctype>
#include <cstring>
#include <sstream>

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

std::vector<std::string> split_list(const std::string &text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    for (std::string item; std::getline(ss, item, ',');) {
        while (!item.empty() && item.front() == ' ') item.erase(0, 1);
        while (!item.empty() && item.back() == ' ') item.pop_back();
        if (!item.empty()) out.push_back(item);
    }
    return out;
}

msg_t *copy_response(nta_outgoing_t *orq) {
    msg_t *ref = nta_outgoing_getresponse(orq);
    msg_t *copy = ref ? msg_dup(ref) : nullptr;
    if (ref) msg_destroy(ref);
    return copy;
}

}  // namespace vce::sip
