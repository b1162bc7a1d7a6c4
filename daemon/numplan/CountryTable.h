// The table of countries and other carriers' prefixes that drives number parsing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "numplan/Country.h"

namespace vce::numplan {

// A prefix (E.164 with '+', e.g. "+8270") that belongs to another carrier's VoIP range.
struct CarrierPrefix {
    std::string prefix;
    std::string carrier;
};

// Immutable once filled; lookups allocate nothing. add() throws std::invalid_argument
// with a message naming the bad field (rows come from the database).
class CountryTable {
public:
    CountryTable();

    void add(Country country);
    void add_carrier_prefix(std::string e164_prefix, std::string carrier);

    // By the three-digit code ("082"); nullptr when unknown.
    const Country *by_code(std::string_view code3) const;
    // The country whose E.164 code starts `digits` (no '+'); sets *cc_len to its length.
    const Country *by_dial_digits(std::string_view digits, size_t *cc_len) const;
    // Longest carrier prefix of an E.164 number ("+82701234..."); nullptr when none.
    const CarrierPrefix *carrier_for(std::string_view e164) const;

    const std::vector<Country> &countries() const { return countries_; }
    const std::vector<CarrierPrefix> &carrier_prefixes() const { return carriers_; }

    // A small built-in table for tests and for running without a database:
    // 082 Korea, 001 NANP, 081 Japan, 044 UK, 049 Germany, 086 China, and the
    // Korean VoIP range +8270 as carrier "kr-voip".
    static const CountryTable &builtin();

private:
    std::vector<Country> countries_;
    std::vector<int16_t> by_code_;         // 1000 entries: numeric code -> index, -1 if none
    std::vector<CarrierPrefix> carriers_;  // sorted by prefix
    size_t max_prefix_ = 0;
};

}  // namespace vce::numplan
