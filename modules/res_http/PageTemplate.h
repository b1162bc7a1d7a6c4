// Fills a page template: {{name}} with escaped text, {{{name}}} with an HTML fragment the
// code built itself (already escaped); pure. (libmstch-dev, Debian's mustache library, ships
// only a static library built without -fPIC, which cannot be linked into a module.)
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace vce::http {

struct PageValues {
    std::map<std::string, std::string> text;  // escaped on output
    std::map<std::string, std::string>
        html;  // inserted as is: only fragments built with html_escape
};

// A placeholder with no value renders as nothing; an unclosed "{{" is copied as text.
std::string render_template(std::string_view tmpl, const PageValues &values);

}  // namespace vce::http
