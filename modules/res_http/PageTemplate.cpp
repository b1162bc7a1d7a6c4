// Fills a page template ({{text}} escaped, {{{html}}} as is); pure.
#include "modules/res_http/PageTemplate.h"

#include "modules/res_http/HtmlText.h"

namespace vce::http {

std::string render_template(std::string_view tmpl, const PageValues &values) {
    std::string out;
    out.reserve(tmpl.size() * 2);
    size_t pos = 0;
    while (pos < tmpl.size()) {
        size_t open = tmpl.find("{{", pos);
        if (open == std::string_view::npos) break;
        bool raw = tmpl.substr(open, 3) == "{{{";
        size_t name_at = open + (raw ? 3 : 2);
        size_t close = tmpl.find(raw ? "}}}" : "}}", name_at);
        if (close == std::string_view::npos) break;
        out.append(tmpl.substr(pos, open - pos));
        std::string name(tmpl.substr(name_at, close - name_at));
        if (raw) {
            auto it = values.html.find(name);
            if (it != values.html.end()) out += it->second;
        } else {
            auto it = values.text.find(name);
            if (it != values.text.end()) out += html_escape(it->second);
        }
        pos = close + (raw ? 3 : 2);
    }
    out.append(tmpl.substr(pos));
    return out;
}

}  // namespace vce::http
