// Which file under the static directory a URL names, and its content type; pure.
#include "modules/res_http/StaticFiles.h"

namespace vce::http {

std::optional<std::string> static_relative_path(std::string_view url_path,
                                                std::string_view prefix) {
    if (url_path.substr(0, prefix.size()) != prefix) return std::nullopt;
    std::string_view rest = url_path.substr(prefix.size());
    if (rest.empty() || rest.size() > 200) return std::nullopt;
    bool segment_start = true;
    for (char c : rest) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.' || c == '/';
        if (!ok) return std::nullopt;
        if (segment_start && (c == '.' || c == '/')) return std::nullopt;  // "..", ".x", "//"
        segment_start = (c == '/');
    }
    if (segment_start) return std::nullopt;  // ends with '/': a directory
    return std::string(rest);
}

std::optional<std::string> static_content_type(std::string_view path) {
    struct Type {
        const char *ext;
        const char *type;
    };
    static const Type kTypes[] = {
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".txt", "text/plain; charset=utf-8"},
    };
    for (const auto &t : kTypes) {
        std::string_view ext(t.ext);
        if (path.size() > ext.size() && path.substr(path.size() - ext.size()) == ext)
            return std::string(t.type);
    }
    return std::nullopt;
}

}  // namespace vce::http
