// The table of countries and other carriers' prefixes that drives number parsing.
#include "numplan/CountryTable.h"

#include <algorithm>
#include <stdexcept>

namespace vce::numplan {

namespace {

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int code_number(std::string_view code3) {
    if (code3.size() != 3 || !all_digits(code3)) return -1;
    return (code3[0] - '0') * 100 + (code3[1] - '0') * 10 + (code3[2] - '0');
}

}  // namespace

std::string Country::dial_code() const {
    size_t i = code.find_first_not_of('0');
    return i == std::string::npos ? std::string() : code.substr(i);
}

CountryTable::CountryTable() : by_code_(1000, -1) {}

void CountryTable::add(Country c) {
    int n = code_number(c.code);
    if (n <= 0)
        throw std::invalid_argument("country code '" + c.code +
                                    "' must be three digits, not 000 (e.g. 082)");
    if (c.min_nsn < 1 || c.max_nsn < c.min_nsn || c.max_nsn > 15)
        throw std::invalid_argument("country " + c.code +
                                    ": national number lengths must satisfy 1 <= min <= max <= 15");
    if (!c.trunk_prefix.empty() && !all_digits(c.trunk_prefix))
        throw std::invalid_argument("country " + c.code + ": trunk prefix must be digits");
    if (!c.intl_prefix.empty() && !all_digits(c.intl_prefix))
        throw std::invalid_argument("country " + c.code + ": international prefix must be digits");
    for (const Area &a : c.areas) {
        bool ok = !a.code.empty() && std::all_of(a.code.begin(), a.code.end(), [](char ch) {
            return (ch >= '0' && ch <= '9') || ch == 'X' || ch == 'N';
        });
        if (!ok || a.min_local < 1 || a.max_local < a.min_local)
            throw std::invalid_argument("country " + c.code + ": area '" + a.code +
                                        "' must be digits (X, N wildcards) with 1 <= min <= max");
    }
    // Longest area codes first so that the first match is the most specific.
    std::stable_sort(c.areas.begin(), c.areas.end(), [](const Area &a, const Area &b) {
        if (a.code.size() != b.code.size()) return a.code.size() > b.code.size();
        auto wild = [](const std::string &s) {
            return std::count(s.begin(), s.end(), 'X') + std::count(s.begin(), s.end(), 'N');
        };
        return wild(a.code) < wild(b.code);
    });
    if (by_code_[n] >= 0) {
        countries_[by_code_[n]] = std::move(c);
        return;
    }
    by_code_[n] = static_cast<int16_t>(countries_.size());
    countries_.push_back(std::move(c));
}

void CountryTable::add_carrier_prefix(std::string e164_prefix, std::string carrier) {
    if (e164_prefix.size() < 2 || e164_prefix[0] != '+' ||
        !all_digits(std::string_view(e164_prefix).substr(1)))
        throw std::invalid_argument("carrier prefix '" + e164_prefix +
                                    "' must be E.164 digits after '+' (e.g. +8270)");
    max_prefix_ = std::max(max_prefix_, e164_prefix.size());
    CarrierPrefix p{std::move(e164_prefix), std::move(carrier)};
    auto it = std::lower_bound(
        carriers_.begin(), carriers_.end(), p,
        [](const CarrierPrefix &a, const CarrierPrefix &b) { return a.prefix < b.prefix; });
    if (it != carriers_.end() && it->prefix == p.prefix)
        *it = std::move(p);
    else
        carriers_.insert(it, std::move(p));
}

const Country *CountryTable::by_code(std::string_view code3) const {
    int n = code_number(code3);
    if (n < 0 || by_code_[n] < 0) return nullptr;
    return &countries_[by_code_[n]];
}

const Country *CountryTable::by_dial_digits(std::string_view digits, size_t *cc_len) const {
    int n = 0;
    for (size_t len = 1; len <= 3 && len <= digits.size(); ++len) {
        char ch = digits[len - 1];
        if (ch < '0' || ch > '9') return nullptr;
        n = n * 10 + (ch - '0');
        if (len == 1 && n == 0) return nullptr;
        if (by_code_[n] >= 0) {
            if (cc_len) *cc_len = len;
            return &countries_[by_code_[n]];
        }
    }
    return nullptr;
}

const CarrierPrefix *CountryTable::carrier_for(std::string_view e164) const {
    // Longest first: one binary search per candidate length, no allocation.
    for (size_t len = std::min(e164.size(), max_prefix_); len >= 2; --len) {
        std::string_view want = e164.substr(0, len);
        auto it = std::lower_bound(carriers_.begin(), carriers_.end(), want,
                                   [](const CarrierPrefix &p, std::string_view v) {
                                       return std::string_view(p.prefix) < v;
                                   });
        if (it != carriers_.end() && it->prefix == want) return &*it;
    }
    return nullptr;
}

const CountryTable &CountryTable::builtin() {
    static const CountryTable table = [] {
        CountryTable t;
        t.add({"082",
               "Korea (Republic of)",
               "0",
               "00",
               8,
               10,
               {{"02", 7, 8},
                {"031", 7, 8},
                {"032", 7, 8},
                {"033", 7, 8},
                {"041", 7, 8},
                {"042", 7, 8},
                {"043", 7, 8},
                {"044", 7, 8},
                {"051", 7, 8},
                {"052", 7, 8},
                {"053", 7, 8},
                {"054", 7, 8},
                {"055", 7, 8},
                {"061", 7, 8},
                {"062", 7, 8},
                {"063", 7, 8},
                {"064", 7, 8},
                {"010", 7, 8},
                {"070", 8, 8}}});
        t.add({"001", "United States / Canada (NANP)", "1", "011", 10, 10, {{"NXX", 7, 7}}});
        t.add({"081",
               "Japan",
               "0",
               "010",
               9,
               10,
               {{"03", 8, 8}, {"06", 8, 8}, {"090", 8, 8}, {"080", 8, 8}, {"0XX", 5, 7}}});
        t.add({"044",
               "United Kingdom",
               "0",
               "00",
               9,
               10,
               {{"020", 8, 8}, {"07XXX", 6, 6}, {"01XXX", 5, 6}}});
        t.add({"049", "Germany", "0", "00", 6, 11, {{"030", 5, 8}, {"089", 5, 8}}});
        t.add({"086", "China", "0", "00", 10, 11, {{"010", 8, 8}, {"021", 8, 8}}});
        t.add_carrier_prefix("+8270", "kr-voip");
        return t;
    }();
    return table;
}

}  // namespace vce::numplan
