// res_http.conf: where the portal listens and where its templates and static files are.
#pragma once

#include <string>

#include "vce/Config.h"

namespace vce::http {

struct HttpConfig {
    std::string bind = "127.0.0.1";  // an IP address; the portal is local unless told otherwise
    int port = 8088;
    std::string files;       // directory with templates/ and static/
    std::string sip_server;  // shown to a new member for the softphone, e.g. sip.example.net:5060
};

// Reads [general] of the parsed file; false with `error` (file:line, what was expected).
bool read_http_config(const Config &cfg, const std::string &default_files, HttpConfig &out,
                      std::string &error);

}  // namespace vce::http
