// Parses and canonicalises dialled numbers and aliases against a CountryTable. No I/O.
#pragma once

#include <string_view>

#include "numplan/CountryTable.h"
#include "numplan/Number.h"

namespace vce::numplan {

// Accepted forms (dashes, spaces, dots and parentheses are decoration):
//   PIN   02-6200-6200-082          VNS   6200-6200#082, 6200-6200%23082
//   E.164 +82 2 6200 6200           international 00 82 2 6200 6200 (home intl prefix)
//   national 02-6200-6200 (home country), other carriers' ranges (by E.164 prefix)
//   alias example.com, Kim@Example.com, sip:kim@example.com, sip:0262006200082@host
// A trailing '#' (analog "end of dialling") is dropped and noted.
// Errors are returned, never thrown; the message says what was wrong.
// When digits read both as a PIN and as a national number, a written form whose last
// group is the three-digit country code ("02-6200-6200-082") is a PIN; undecorated
// digits are a PIN only when too long to be a national number.
class NumberPlan {
public:
    NumberPlan() : table_(&CountryTable::builtin()) {}
    explicit NumberPlan(const CountryTable &table) : table_(&table) {}

    // home_country: the three-digit code of the caller's (or box's) country, used for
    // national numbers and the international prefix; may be empty.
    ParseResult parse(std::string_view text, std::string_view home_country) const;
    // The same, filling `out`; returns false and sets `error` on refusal. Reuses the
    // strings' storage (for the router's hot path).
    bool parse(std::string_view text, std::string_view home_country, Number &out,
               std::string &error) const;

    // The number's own PSTN number in E.164: a PIN's area and local number in its country
    // ("02-6200-6200-082" -> "+82262006200"), a PSTN or another carrier's number as it is; ""
    // for a company number, an alias, bare digits or what does not parse. An edge box dials it
    // on its own trunk when its exchange cannot complete the call.
    std::string pstn_of(std::string_view text, std::string_view home_country) const;
    const CountryTable &table() const { return *table_; }

private:
    const CountryTable *table_;
};

}  // namespace vce::numplan
