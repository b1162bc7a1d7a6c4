// CSRF protection for the portal's forms by double submit: a random token in a cookie
// (HttpOnly, SameSite=Strict) and the same token in a hidden field of every form; a POST
// whose field does not equal its cookie is refused. Pure but for the random source.
#pragma once

#include <map>
#include <string>

namespace vce::http {

constexpr const char *kCsrfCookie = "vce_csrf";
constexpr const char *kCsrfField = "csrf";

// 32 hex digits from the kernel's random source (getrandom).
std::string new_csrf_token();

// The token of the request's cookie when it is well formed, else "" (then issue a new one).
std::string csrf_cookie_token(const std::map<std::string, std::string> &cookies);

// True when the form's field equals the cookie (compared in constant time).
bool csrf_matches(const std::map<std::string, std::string> &cookies,
                  const std::map<std::string, std::string> &form);

// The Set-Cookie value for a token.
std::string csrf_set_cookie(const std::string &token);

}  // namespace vce::http
