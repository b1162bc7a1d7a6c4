// The number shop's search form: what a visitor typed, checked, as parameters for the SQL
// function number_search(); pure. Errors say what to type instead.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace vce::http {

struct ShopQuery {
    std::optional<std::string> digits;   // digits (dashes removed) or with * ? wildcards
    std::optional<std::string> kind;     // "pin" or "vns"; nullopt = both
    std::optional<std::string> country;  // three digits, "082"
    std::optional<std::string> area;     // PIN area code digits, "02"
};

struct ShopQueryResult {
    ShopQuery query;
    std::string error;  // empty when the form is usable
};

// form: the decoded query-string fields (digits, kind, country, area); absent or blank
// fields mean "any".
ShopQueryResult parse_shop_query(const std::map<std::string, std::string> &form);

// The number_search() pattern for the query: area and digits combined for a PIN search
// ("02" + "6200" -> "02*6200*"), else the digits as typed; nullopt = every number.
std::optional<std::string> shop_search_pattern(const ShopQuery &q);

}  // namespace vce::http
