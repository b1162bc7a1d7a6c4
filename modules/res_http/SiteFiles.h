// The portal's templates and static files, read once at load (so no file I/O happens on the
// core loop while serving) from the configured directory; core thread.
#pragma once

#include <map>
#include <string>

namespace vce::http {

struct SiteFiles {
    std::map<std::string, std::string> templates;  // "shop.html" -> text
    std::map<std::string, std::string> statics;    // "portal.css" -> bytes

    // Reads DIR/templates/*.html and DIR/static/* (plain files, no subdirectories);
    // false with `error` when a directory or a template the portal needs is missing.
    bool load(const std::string &dir, std::string &error);
    // The template's text; "" when absent (load() checked the ones the pages use).
    const std::string &page(const std::string &name) const;
};

}  // namespace vce::http
