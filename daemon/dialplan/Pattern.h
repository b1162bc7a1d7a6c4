// An extension name or pattern (_X Z N [a-b] . !) compiled for matching and overlap dialling.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vce::dialplan {

// Exact names match themselves; patterns start with '_'. Dashes outside [...] are
// decoration and dropped. '.' is one or more of anything and keeps waiting for more
// digits; '!' is zero or more and does not wait. Up to 62 elements.
class Pattern {
public:
    struct Match {
        bool full = false;  // the string matches
        bool more = false;  // a longer string (this one plus more digits) would match
    };

    // Throws std::invalid_argument saying what is wrong ("unclosed '[' in _X[12").
    explicit Pattern(std::string_view text);

    bool is_pattern() const { return pattern_; }
    const std::string &text() const { return text_; }  // normalised, e.g. "_X." or "1234"
    Match match(std::string_view s) const;
    // Asterisk's order: fewer choices first position by position; '.' and '!' last.
    bool more_specific_than(const Pattern &o) const;

private:
    struct Elem {
        uint64_t lo = 0, hi = 0;  // characters 0-63 and 64-127
        bool star = false;        // repeats zero or more times
        bool wait = false;        // star from '.', which waits for more digits
        bool has(unsigned char c) const {
            return c < 64 ? (lo >> c) & 1 : c < 128 ? (hi >> (c - 64)) & 1 : false;
        }
    };
    uint64_t closure(uint64_t states) const;

    std::string text_;
    bool pattern_ = false;
    std::vector<Elem> elems_;
    std::vector<int> rank_;  // specificity key per written element
};

}  // namespace vce::dialplan
