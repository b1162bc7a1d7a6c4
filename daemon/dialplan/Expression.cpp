// Evaluates dialplan expressions ($[...]) and conditions, Asterisk style. No I/O.
#include "dialplan/Expression.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <vector>

namespace vce::dialplan {

namespace {

bool as_number(std::string_view s, double &out) {
    if (s.empty() || s.size() > 40) return false;
    std::string tmp(s);
    char *end = nullptr;
    out = std::strtod(tmp.c_str(), &end);
    return end && *end == '\0' && std::isfinite(out) &&
           tmp.find_first_of("xXnN") == std::string::npos;
}

std::string format(double v) {
    if (std::fabs(v) < 9e15 && v == std::floor(v)) return std::to_string(static_cast<long long>(v));
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

struct Token {
    enum Type { Str, Op, End } type;
    std::string text;
};

class Eval {
public:
    explicit Eval(std::string_view s) : s_(s) { next(); }
    std::string run() {
        std::string v = or_();
        if (tok_.type != Token::End) throw std::runtime_error("unexpected '" + tok_.text + "'");
        return v;
    }

private:
    static bool op_char(char c) {
        return c == '|' || c == '&' || c == '=' || c == '!' || c == '<' || c == '>' || c == '+' ||
               c == '-' || c == '*' || c == '/' || c == '%' || c == '(' || c == ')';
    }
    void next() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
        if (pos_ >= s_.size()) {
            tok_ = {Token::End, ""};
            return;
        }
        char c = s_[pos_];
        if (c == '"') {
            size_t end = s_.find('"', pos_ + 1);
            if (end == std::string_view::npos) throw std::runtime_error("unclosed '\"'");
            tok_ = {Token::Str, std::string(s_.substr(pos_ + 1, end - pos_ - 1))};
            pos_ = end + 1;
            return;
        }
        if (op_char(c)) {
            std::string_view two = s_.substr(pos_, 2);
            if (two == "==" || two == "!=" || two == "<=" || two == ">=" || two == "=~") {
                if (two == "=~")
                    throw std::runtime_error("'=~' (regular expressions) is not supported");
                tok_ = {Token::Op, std::string(two)};
                pos_ += 2;
            } else {
                tok_ = {Token::Op, std::string(1, c)};
                ++pos_;
            }
            return;
        }
        size_t start = pos_;
        while (pos_ < s_.size() && s_[pos_] != ' ' && s_[pos_] != '\t' && s_[pos_] != '"' &&
               !op_char(s_[pos_]))
            ++pos_;
        tok_ = {Token::Str, std::string(s_.substr(start, pos_ - start))};
    }
    bool is(const char *op) const { return tok_.type == Token::Op && tok_.text == op; }
    void enter() {
        if (++depth_ > 100) throw std::runtime_error("expression nested too deeply");
    }

    std::string or_() {
        enter();
        std::string a = and_();
        while (is("|")) {
            next();
            std::string b = and_();
            if (!is_true(a)) a = b;
        }
        --depth_;
        return a;
    }
    std::string and_() {
        std::string a = cmp();
        while (is("&")) {
            next();
            std::string b = cmp();
            if (!is_true(a) || !is_true(b)) a = "0";
        }
        return a;
    }
    std::string cmp() {
        std::string a = add();
        while (is("=") || is("==") || is("!=") || is("<") || is(">") || is("<=") || is(">=")) {
            std::string op = tok_.text;
            next();
            std::string b = add();
            double x, y;
            int c;
            if (as_number(a, x) && as_number(b, y))
                c = x < y ? -1 : x > y ? 1 : 0;
            else
                c = a.compare(b) < 0 ? -1 : a.compare(b) > 0 ? 1 : 0;
            bool r = (op == "=" || op == "==") ? c == 0
                     : op == "!="              ? c != 0
                     : op == "<"               ? c < 0
                     : op == ">"               ? c > 0
                     : op == "<="              ? c <= 0
                                               : c >= 0;
            a = r ? "1" : "0";
        }
        return a;
    }
    double num(const std::string &v) {
        double d;
        if (!as_number(v, d)) throw std::runtime_error("'" + v + "' is not a number");
        return d;
    }
    std::string add() {
        std::string a = mul();
        while (is("+") || is("-")) {
            bool plus = tok_.text == "+";
            next();
            std::string b = mul();
            a = format(plus ? num(a) + num(b) : num(a) - num(b));
        }
        return a;
    }
    std::string mul() {
        std::string a = unary();
        while (is("*") || is("/") || is("%")) {
            std::string op = tok_.text;
            next();
            std::string b = unary();
            double x = num(a), y = num(b);
            if (op == "*") {
                a = format(x * y);
            } else {
                if (y == 0) throw std::runtime_error("division by zero");
                a = op == "/" ? format(std::trunc(x / y)) : format(std::fmod(x, y));
            }
        }
        return a;
    }
    std::string unary() {
        if (is("!")) {
            next();
            enter();
            std::string v = unary();
            --depth_;
            return is_true(v) ? "0" : "1";
        }
        if (is("-")) {
            next();
            enter();
            std::string v = unary();
            --depth_;
            return format(-num(v));
        }
        return primary();
    }
    std::string primary() {
        if (is("(")) {
            next();
            std::string v = or_();
            if (!is(")")) throw std::runtime_error("expected ')'");
            next();
            return v;
        }
        if (tok_.type == Token::Str) {
            std::string v = tok_.text;
            next();
            return v;
        }
        if (tok_.type == Token::End) throw std::runtime_error("expression ends too early");
        throw std::runtime_error("unexpected '" + tok_.text + "'");
    }

    std::string_view s_;
    size_t pos_ = 0;
    Token tok_{Token::End, ""};
    int depth_ = 0;
};

}  // namespace

std::string evaluate(std::string_view expr, std::string *error) {
    try {
        Eval e(expr);
        return e.run();
    } catch (const std::exception &ex) {
        if (error) *error = std::string("expression '") + std::string(expr) + "': " + ex.what();
        return std::string();
    }
}

bool is_true(std::string_view v) {
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    if (v.empty()) return false;
    double d;
    if (as_number(v, d)) return d != 0;
    return true;
}

}  // namespace vce::dialplan
