// A country of the number plan: its codes, prefixes, number lengths and areas.
#pragma once

#include <string>
#include <vector>

namespace vce::numplan {

// An area (or non-geographic range) written as dialled in the country, with its trunk
// prefix ("02" for Seoul). 'X' matches any digit, 'N' a digit 2-9 ("NXX" for NANP).
struct Area {
    std::string code;
    int min_local = 7;  // digits of the local number after the area code
    int max_local = 8;
};

struct Country {
    std::string code;          // three digits as written in our numbers: "082", "001"
    std::string name;          // "Korea (Republic of)"
    std::string trunk_prefix;  // national trunk prefix, "0" (may be empty)
    std::string intl_prefix;   // international access prefix, "00"
    int min_nsn = 4;           // national significant number length (after trunk prefix)
    int max_nsn = 12;
    std::vector<Area> areas;

    // The E.164 country code: code without its leading zeros ("082" -> "82").
    std::string dial_code() const;
};

}  // namespace vce::numplan
