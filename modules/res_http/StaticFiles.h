// Which file under the static directory a URL names, and its content type; pure (no I/O).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vce::http {

// "/static/portal.css" -> "portal.css". Refuses (nullopt) anything that could leave the
// directory or name a hidden file: "..", ".x", "//", a backslash, a NUL, percent escapes
// (the URL is matched undecoded, so "%2e%2e" cannot sneak past), and names of characters
// other than letters, digits, '-', '_', '.' and '/'.
std::optional<std::string> static_relative_path(std::string_view url_path,
                                                std::string_view prefix = "/static/");

// By file extension; unknown extensions are refused (nullopt) rather than sniffed.
std::optional<std::string> static_content_type(std::string_view relative_path);

}  // namespace vce::http
