// A parsed number: its kind, canonical form, parts and written form.
#pragma once

#include <string>

namespace vce::numplan {

enum class Kind {
    Pin,      // individual: area-local-country, "02-6200-6200-082"
    Vns,      // company branch: base#country, "6200-6200#082"
    Pstn,     // a public number, canonical E.164 "+82262006200"
    Carrier,  // another carrier's VoIP number (E.164 within a carrier prefix)
    Alias,    // a domain ("example.com") or e-mail ("kim@example.com"), lower case
    Digits,   // digits that fit none of the above: an account, a VNS base, a short code
};

const char *kind_name(Kind k);  // "pin", "vns", "pstn", "carrier", "alias", "digits"

struct Number {
    Kind kind = Kind::Digits;
    std::string canonical;  // PIN "0262006200082", VNS "62006200#082", PSTN "+82262006200",
                            // alias "kim@example.com", digits "62006200"
    std::string written;    // presentation: "02-6200-6200-082", "6200-6200#082", "+82 262006200"
    std::string country;    // three-digit code of the number's country ("082"); empty if none
    std::string area;       // PIN: area code as written ("02")
    std::string local;      // PIN: local number; VNS: the base ("62006200")
    std::string e164;       // PSTN, carrier and PIN: the E.164 form ("+82262006200")
    std::string carrier;    // Carrier: the carrier's name
    bool end_of_dialling = false;  // a trailing '#' was taken as "end of dialling"
};

// The outcome of NumberPlan::parse: a number, or why it was refused.
struct ParseResult {
    bool ok = false;
    Number number;
    std::string error;  // e.g. "country code 999 is unknown"
    explicit operator bool() const { return ok; }
};

}  // namespace vce::numplan
