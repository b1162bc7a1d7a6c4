// The portal's layout and messages shared by the page groups; core thread.
#include "modules/res_http/Site.h"

#include "modules/res_http/HtmlText.h"

namespace vce::http {

HttpReply page_reply(const Site &site, const std::string &title, const std::string &tmpl,
                     const PageValues &values, int status) {
    PageValues outer;
    outer.text["title"] = title;
    outer.html["body"] = render_template(site.files.page(tmpl), values);
    HttpReply r;
    r.status = status;
    r.body = render_template(site.files.page("layout.html"), outer);
    return r;
}

HttpReply message_reply(const Site &site, int status, const std::string &title,
                        const std::string &message) {
    PageValues outer;
    outer.text["title"] = title;
    outer.html["body"] = "<h1>" + html_escape(title) + "</h1>\n<p class=\"message\">" +
                         html_escape(message) + "</p>\n";
    HttpReply r;
    r.status = status;
    r.body = render_template(site.files.page("layout.html"), outer);
    return r;
}

std::string sql_refusal(const std::string &error) {
    std::string s = error;
    if (s.rfind("ERROR:", 0) == 0) s = s.substr(6);
    size_t b = s.find_first_not_of(' ');
    s = b == std::string::npos ? "" : s.substr(b);
    size_t nl = s.find('\n');
    if (nl != std::string::npos) s = s.substr(0, nl);
    return s;
}

}  // namespace vce::http
