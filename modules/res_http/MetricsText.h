// The Prometheus text exposition format (version 0.0.4) for /metrics; pure.
#pragma once

#include <string>
#include <vector>

namespace vce::http {

struct MetricSample {
    std::string labels;  // already formatted without braces: class="2xx", or ""
    double value = 0;
};

struct Metric {
    std::string name;  // vce_registrations
    std::string help;  // one line
    std::string type;  // gauge or counter
    std::vector<MetricSample> samples;
};

// # HELP / # TYPE lines and one line per sample; integral values without a decimal point.
std::string prometheus_text(const std::vector<Metric> &metrics);

// A label value escaped as the format wants (backslash, double quote, newline).
std::string prometheus_label_value(const std::string &value);

}  // namespace vce::http
