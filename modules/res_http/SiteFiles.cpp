// The portal's templates and static files, read once at load; core thread.
#include "modules/res_http/SiteFiles.h"

#include <dirent.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace vce::http {

namespace {
const char *const kPages[] = {"layout.html",       "home.html",           "shop.html",
                              "order.html",        "order_company.html",  "order_status.html",
                              "order_select.html", "order_register.html", "order_result.html"};

bool read_dir(const std::string &dir, std::map<std::string, std::string> &out, std::string &error) {
    DIR *d = opendir(dir.c_str());
    if (!d) {
        error = "cannot read the portal's directory " + dir + " (set files = in res_http.conf)";
        return false;
    }
    while (dirent *e = readdir(d)) {
        std::string name = e->d_name;
        if (name.empty() || name[0] == '.') continue;
        std::string path = dir + "/" + name;
        struct stat st;
        if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        std::ifstream in(path, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        out[name] = text.str();
    }
    closedir(d);
    return true;
}
}  // namespace

bool SiteFiles::load(const std::string &dir, std::string &error) {
    templates.clear();
    statics.clear();
    if (!read_dir(dir + "/templates", templates, error) ||
        !read_dir(dir + "/static", statics, error))
        return false;
    for (const char *p : kPages) {
        if (!templates.count(p)) {
            error = "the portal's template " + dir + "/templates/" + p + " is missing";
            return false;
        }
    }
    return true;
}

const std::string &SiteFiles::page(const std::string &name) const {
    static const std::string none;
    auto it = templates.find(name);
    return it == templates.end() ? none : it->second;
}

}  // namespace vce::http
