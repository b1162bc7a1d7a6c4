// The number shop's search form, checked; pure.
#include "modules/res_http/ShopQuery.h"

namespace vce::http {

namespace {
std::string trimmed(const std::string &s) {
    size_t b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return "";
    size_t e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

std::string field(const std::map<std::string, std::string> &form, const char *name) {
    auto it = form.find(name);
    return it == form.end() ? "" : trimmed(it->second);
}

bool all_digits(const std::string &s) {
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return !s.empty();
}
}  // namespace

ShopQueryResult parse_shop_query(const std::map<std::string, std::string> &form) {
    ShopQueryResult r;
    std::string digits, raw = field(form, "digits");
    for (char c : raw) {
        if (c == '-' || c == ' ' || c == '.') continue;
        if ((c < '0' || c > '9') && c != '*' && c != '?' && c != '#') {
            r.error =
                "The digits may contain only 0-9, dashes, # and the wildcards * and ? "
                "(for example 6200 or 02-*-082).";
            return r;
        }
        digits += c;
    }
    if (digits.size() > 20) {
        r.error = "Type at most 20 digits to search for.";
        return r;
    }
    if (!digits.empty()) r.query.digits = digits;

    std::string kind = field(form, "kind");
    if (kind == "pin" || kind == "vns")
        r.query.kind = kind;
    else if (!kind.empty() && kind != "any") {
        r.error = "Choose a personal number (PIN), a company number (VNS) or any.";
        return r;
    }

    std::string country = field(form, "country");
    if (!country.empty()) {
        if (!all_digits(country) || country.size() > 3) {
            r.error = "Choose a country from the list (a country code such as 082).";
            return r;
        }
        r.query.country = std::string(3 - country.size(), '0') + country;
    }

    std::string area = field(form, "area");
    for (char &c : area)
        if (c == '-') c = ' ';
    area = trimmed(area);
    if (!area.empty()) {
        if (!all_digits(area) || area.size() > 6) {
            r.error = "The area code is 1 to 6 digits, for example 02.";
            return r;
        }
        if (r.query.kind && *r.query.kind == "vns") {
            r.error =
                "Company numbers (VNS) have no area code: leave the area empty or search "
                "personal numbers.";
            return r;
        }
        r.query.area = area;
        r.query.kind = "pin";  // only personal numbers have an area code
    }
    return r;
}

std::optional<std::string> shop_search_pattern(const ShopQuery &q) {
    if (!q.area) return q.digits;
    // A PIN's canonical form starts with its area code: area, then anything, the digits,
    // anything.
    std::string p = *q.area + "*";
    if (q.digits) {
        std::string d = *q.digits;
        bool wild = d.find_first_of("*?") != std::string::npos;
        p += wild ? d : d + "*";
    }
    return p;
}

}  // namespace vce::http
