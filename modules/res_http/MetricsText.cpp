// The Prometheus text exposition format for /metrics; pure.
#include "modules/res_http/MetricsText.h"

#include <cmath>
#include <cstdio>

namespace vce::http {

namespace {
std::string number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[64];
    if (v == std::floor(v) && std::fabs(v) < 1e15)
        std::snprintf(buf, sizeof buf, "%.0f", v);
    else
        std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

// HELP text escapes backslash and newline only.
std::string help_text(const std::string &s) {
    std::string out;
    for (char c : s) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}
}  // namespace

std::string prometheus_label_value(const std::string &value) {
    std::string out;
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string prometheus_text(const std::vector<Metric> &metrics) {
    std::string out;
    for (const auto &m : metrics) {
        out += "# HELP " + m.name + " " + help_text(m.help) + "\n";
        out += "# TYPE " + m.name + " " + m.type + "\n";
        for (const auto &s : m.samples) {
            out += m.name;
            if (!s.labels.empty()) out += "{" + s.labels + "}";
            out += " " + number(s.value) + "\n";
        }
    }
    return out;
}

}  // namespace vce::http
