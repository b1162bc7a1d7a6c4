// res_http.conf: where the portal listens and where its files are.
#include "modules/res_http/HttpConfig.h"

#include <arpa/inet.h>

namespace vce::http {

bool read_http_config(const Config &cfg, const std::string &default_files, HttpConfig &out,
                      std::string &error) {
    out = HttpConfig{};
    out.files = default_files;
    const ConfigSection *g = cfg.section("general");
    if (!g) return true;
    try {
        out.bind = g->get("bind", out.bind);
        out.port = static_cast<int>(g->get_int("port", out.port));
        out.files = g->get("files", out.files);
        out.sip_server = g->get("sip_server", out.sip_server);
    } catch (const ConfigError &e) {
        error = e.what();
        return false;
    }
    auto where = [&](const char *key) {
        const ConfigEntry *e = g->find(key);
        return e ? e->file + ":" + std::to_string(e->line) + ": " : std::string();
    };
    unsigned char buf[16];
    if (inet_pton(AF_INET, out.bind.c_str(), buf) != 1 &&
        inet_pton(AF_INET6, out.bind.c_str(), buf) != 1) {
        error = where("bind") + "bind must be an IP address such as 127.0.0.1, not \"" + out.bind +
                "\"";
        return false;
    }
    if (out.port < 1 || out.port > 65535) {
        error = where("port") + "port must be 1 to 65535, not " + std::to_string(out.port);
        return false;
    }
    return true;
}

}  // namespace vce::http
