// CSRF double-submit tokens for the portal's forms.
#include "modules/res_http/CsrfToken.h"

#include <sys/random.h>

#include <stdexcept>

namespace vce::http {

namespace {
bool well_formed(const std::string &t) {
    if (t.size() != 32) return false;
    for (char c : t)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}
}  // namespace

std::string new_csrf_token() {
    unsigned char raw[16];
    size_t got = 0;
    while (got < sizeof raw) {
        ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
        if (n < 0) throw std::runtime_error("getrandom failed");
        got += static_cast<size_t>(n);
    }
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : raw) {
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

std::string csrf_cookie_token(const std::map<std::string, std::string> &cookies) {
    auto it = cookies.find(kCsrfCookie);
    return it != cookies.end() && well_formed(it->second) ? it->second : std::string();
}

bool csrf_matches(const std::map<std::string, std::string> &cookies,
                  const std::map<std::string, std::string> &form) {
    std::string cookie = csrf_cookie_token(cookies);
    auto it = form.find(kCsrfField);
    if (cookie.empty() || it == form.end() || it->second.size() != cookie.size()) return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < cookie.size(); ++i)
        diff |= static_cast<unsigned char>(cookie[i] ^ it->second[i]);
    return diff == 0;
}

std::string csrf_set_cookie(const std::string &token) {
    return std::string(kCsrfCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict";
}

}  // namespace vce::http
