// Evaluates dialplan expressions ($[...]) and conditions, Asterisk style. No I/O.
#pragma once

#include <string>
#include <string_view>

namespace vce::dialplan {

// Operators, loosest first: | & (= == != < > <= >=) (+ -) (* / %) unary ! -, parentheses.
// "quoted strings" and bare words are strings; two numbers compare as numbers, anything
// else as strings. Comparisons give "1" or "0". On a malformed expression returns ""
// and sets *error (when given).
std::string evaluate(std::string_view expr, std::string *error = nullptr);

// GotoIf's truth: empty or a number equal to zero is false, anything else true.
bool is_true(std::string_view value);

}  // namespace vce::dialplan
