// Parses and canonicalises dialled numbers and aliases against a CountryTable. No I/O.
#include "numplan/NumberPlan.h"

#include <algorithm>
#include <string>

namespace vce::numplan {

const char *kind_name(Kind k) {
    switch (k) {
        case Kind::Pin:
            return "pin";
        case Kind::Vns:
            return "vns";
        case Kind::Pstn:
            return "pstn";
        case Kind::Carrier:
            return "carrier";
        case Kind::Alias:
            return "alias";
        case Kind::Digits:
            return "digits";
    }
    return "?";
}

namespace {

constexpr size_t kMaxText = 256;
constexpr size_t kMaxDigits = 32;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_decoration(char c) {
    return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '\t';
}
char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
bool all_digits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), is_digit);
}

bool starts_with_ci(std::string_view s, std::string_view p) {
    if (s.size() < p.size()) return false;
    for (size_t i = 0; i < p.size(); ++i)
        if (lower(s[i]) != p[i]) return false;
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() &&
           (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
        s.remove_prefix(1);
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

bool number_like(std::string_view s) {
    if (s.empty()) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return is_digit(c) || c == '#' || c == '*' || c == '+' || is_decoration(c);
    });
}

// "62006200" -> "6200-6200", "6206200" -> "620-6200": groups of four from the right.
void group4(std::string_view digits, std::string &out) {
    size_t first = digits.size() % 4;
    if (first == 0 && !digits.empty()) first = 4;
    out.append(digits.substr(0, first));
    for (size_t i = first; i < digits.size(); i += 4) {
        out.push_back('-');
        out.append(digits.substr(i, 4));
    }
}

bool area_matches(std::string_view pattern, std::string_view digits) {
    if (digits.size() < pattern.size()) return false;
    for (size_t i = 0; i < pattern.size(); ++i) {
        char p = pattern[i], d = digits[i];
        if (p == 'X') continue;
        if (p == 'N') {
            if (d < '2') return false;
            continue;
        }
        if (p != d) return false;
    }
    return true;
}

std::string range_text(int lo, int hi) {
    return lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi);
}

void clear(Number &n) {
    n.kind = Kind::Digits;
    n.canonical.clear();
    n.written.clear();
    n.country.clear();
    n.area.clear();
    n.local.clear();
    n.e164.clear();
    n.carrier.clear();
    n.end_of_dialling = false;
}

class Parser {
public:
    Parser(const CountryTable &t, std::string_view home, Number &out, std::string &err)
        : table_(t), home_(t.by_code(home)), out_(out), err_(err) {}

    bool run(std::string_view text);

private:
    bool fail(std::string msg) {
        err_ = std::move(msg);
        return false;
    }
    bool alias(std::string_view s);
    bool number(std::string_view s);
    bool vns(std::string_view d, size_t hash);
    bool e164(std::string_view digits);

    const CountryTable &table_;
    const Country *home_;
    Number &out_;
    std::string &err_;
};

bool Parser::run(std::string_view text) {
    text = trim(text);
    if (text.empty()) return fail("empty number");
    if (text.size() > kMaxText) return fail("number or address too long (over 256 characters)");
    if (text.size() >= 2 && text.front() == '<' && text.back() == '>')
        text = trim(text.substr(1, text.size() - 2));
    bool uri = false;
    for (std::string_view scheme : {"sip:", "sips:", "tel:"}) {
        if (starts_with_ci(text, scheme)) {
            text.remove_prefix(scheme.size());
            uri = true;
            break;
        }
    }
    if (uri) text = text.substr(0, std::min(text.find(';'), text.find('?')));

    char buf[kMaxText];
    size_t n = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%') {
            int hi = i + 2 < text.size() ? hex(text[i + 1]) : -1;
            int lo = i + 2 < text.size() ? hex(text[i + 2]) : -1;
            if (hi < 0 || lo < 0) return fail("bad %-escape in '" + std::string(text) + "'");
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        }
        buf[n++] = c;
    }
    std::string_view s(buf, n);
    if (s.empty()) return fail("empty number");

    size_t at = s.find('@');
    if (uri) {
        if (at != std::string_view::npos) {
            std::string_view user = s.substr(0, at);
            if (number_like(user)) return number(user);
            return alias(s);
        }
        if (number_like(s)) return number(s);
        return alias(s);
    }
    if (number_like(s)) return number(s);
    return alias(s);
}

bool Parser::alias(std::string_view s) {
    std::string &a = out_.canonical;
    a.clear();
    size_t at = s.find('@');
    if (at != std::string_view::npos) {
        std::string_view user = s.substr(0, at);
        if (user.empty()) return fail("e-mail address '" + std::string(s) + "' has no user part");
        for (char c : user) {
            char l = lower(c);
            bool ok = is_digit(l) || (l >= 'a' && l <= 'z') || l == '.' || l == '_' || l == '-' ||
                      l == '+' || l == '%';
            if (!ok)
                return fail("unexpected character '" + std::string(1, c) + "' in e-mail address '" +
                            std::string(s) + "'");
            a.push_back(l);
        }
        a.push_back('@');
        s = s.substr(at + 1);
    }
    size_t colon = s.find(':');  // a port in a SIP URI host
    if (colon != std::string_view::npos && all_digits(s.substr(colon + 1))) s = s.substr(0, colon);
    while (!s.empty() && s.back() == '.') s.remove_suffix(1);
    if (s.empty()) return fail("alias has no domain");
    bool dot = false;
    char prev = '.';
    for (char c : s) {
        char l = lower(c);
        if (l == '.') {
            if (prev == '.') return fail("empty label in domain '" + std::string(s) + "'");
            dot = true;
        } else if (!(is_digit(l) || (l >= 'a' && l <= 'z') || l == '-')) {
            return fail("'" + std::string(s) + "' is not a number, a domain or an e-mail address");
        }
        a.push_back(l);
        prev = l;
    }
    if (!dot)
        return fail("'" + std::string(s) +
                    "' is not a number, a domain (example.com) or an e-mail address");
    out_.kind = Kind::Alias;
    out_.written = a;
    return true;
}

bool Parser::number(std::string_view s) {
    char d[kMaxDigits];
    size_t nd = 0;
    int groups = 0, cur = 0, last = 0;
    bool plus = false;
    auto close_group = [&] {
        if (cur > 0) {
            ++groups;
            last = cur;
            cur = 0;
        }
    };
    for (char c : s) {
        if (is_decoration(c)) {
            close_group();
            continue;
        }
        if (c == '+') {
            if (nd != 0 || plus) return fail("'+' is allowed only at the start of a number");
            plus = true;
            continue;
        }
        if (nd == kMaxDigits) return fail("number too long (more than 32 digits)");
        d[nd++] = c;
        if (is_digit(c))
            ++cur;
        else
            close_group();
    }
    close_group();
    std::string_view dv(d, nd);
    if (dv.empty()) return fail("no digits in '" + std::string(s) + "'");
    if (dv.back() == '#') {
        dv.remove_suffix(1);
        out_.end_of_dialling = true;
        if (dv.empty()) return fail("no digits before '#'");
        if (dv.back() == '#') return fail("'##' in number");
    }
    size_t hash = dv.find('#');
    if (hash != std::string_view::npos) {
        if (plus) return fail("'+' and '#' cannot be combined");
        return vns(dv, hash);
    }
    if (dv.find('*') != std::string_view::npos) {
        if (plus) return fail("'*' in an E.164 number");
        out_.kind = Kind::Digits;
        out_.canonical.assign(dv);
        out_.written.assign(dv);
        return true;
    }
    if (plus) return e164(dv);
    std::string_view intl = home_ ? std::string_view(home_->intl_prefix) : "00";
    if (!intl.empty() && dv.size() > intl.size() && dv.substr(0, intl.size()) == intl)
        return e164(dv.substr(intl.size()));

    // PIN reading: area + local + three-digit country code. Error texts are built only
    // when they are returned (this runs on the routing hot path).
    enum class PinErr { None, NoArea, Short, Long, UnknownCountry };
    bool pin_intent = groups >= 3 && last == 3;
    bool pin_ok = false;
    PinErr pin_err = PinErr::None;
    int local_len = 0;
    const Country *pc = nullptr;
    const Area *area = nullptr;
    std::string_view body, cc3;
    if (dv.size() >= 5) {
        cc3 = dv.substr(dv.size() - 3);
        body = dv.substr(0, dv.size() - 3);
        pc = table_.by_code(cc3);
        if (pc) {
            for (const Area &a : pc->areas)
                if (body.size() > a.code.size() && area_matches(a.code, body)) {
                    area = &a;
                    break;
                }
            if (!area) {
                pin_err = PinErr::NoArea;
            } else {
                local_len = static_cast<int>(body.size() - area->code.size());
                if (local_len < area->min_local)
                    pin_err = PinErr::Short;
                else if (local_len > area->max_local)
                    pin_err = PinErr::Long;
                else
                    pin_ok = true;
            }
        } else {
            pin_err = PinErr::UnknownCountry;
        }
    }
    auto pin_message = [&]() -> std::string {
        switch (pin_err) {
            case PinErr::NoArea:
                return "no area code of country " + std::string(cc3) + " starts '" +
                       std::string(body) + "'";
            case PinErr::Short:
            case PinErr::Long:
                return std::string("local number too ") +
                       (pin_err == PinErr::Short ? "short" : "long") + " for area " +
                       std::string(body.substr(0, area->code.size())) + " (expected " +
                       range_text(area->min_local, area->max_local) + " digits, got " +
                       std::to_string(local_len) + ")";
            case PinErr::UnknownCountry:
                return "country code " + std::string(cc3) + " is unknown";
            case PinErr::None:
                break;
        }
        return std::string();
    };

    // National reading in the home country.
    bool nat_ok = false, nat_try = false;
    std::string_view nsn;
    if (home_ && !home_->trunk_prefix.empty() && dv.size() > home_->trunk_prefix.size() &&
        dv.substr(0, home_->trunk_prefix.size()) == home_->trunk_prefix) {
        nat_try = true;
        nsn = dv.substr(home_->trunk_prefix.size());
        int len = static_cast<int>(nsn.size());
        nat_ok = len >= home_->min_nsn && len <= home_->max_nsn;
    }
    auto nat_message = [&]() -> std::string {
        int len = static_cast<int>(nsn.size());
        return std::string("national number too ") + (len < home_->min_nsn ? "short" : "long") +
               " for country " + home_->code + " (expected " +
               range_text(home_->min_nsn, home_->max_nsn) + " digits after the trunk prefix " +
               home_->trunk_prefix + ", got " + std::to_string(len) + ")";
    };

    if (pin_ok && (!nat_ok || pin_intent)) {
        std::string_view an = body.substr(0, area->code.size());
        std::string_view local = body.substr(area->code.size());
        out_.kind = Kind::Pin;
        out_.canonical.assign(dv);
        out_.country.assign(cc3);
        out_.area.assign(an);
        out_.local.assign(local);
        std::string_view tp = pc->trunk_prefix;
        std::string_view an_nsn =
            (!tp.empty() && an.substr(0, tp.size()) == tp) ? an.substr(tp.size()) : an;
        out_.e164.assign("+");
        std::string_view pdc = pc->code;
        pdc.remove_prefix(std::min(pdc.find_first_not_of('0'), pdc.size()));
        out_.e164.append(pdc);
        out_.e164.append(an_nsn);
        out_.e164.append(local);
        out_.written.assign(an);
        out_.written.push_back('-');
        group4(local, out_.written);
        out_.written.push_back('-');
        out_.written.append(cc3);
        return true;
    }
    if (nat_ok) {
        char e[kMaxDigits + 4];
        std::string_view dc = home_->code;
        dc.remove_prefix(std::min(dc.find_first_not_of('0'), dc.size()));
        size_t n = 0;
        for (char c : dc) e[n++] = c;
        for (char c : nsn) e[n++] = c;
        return e164(std::string_view(e, n));
    }
    bool has_pin_err = pin_err != PinErr::None;
    if (has_pin_err && pin_intent) return fail(pin_message());
    if (nat_try) {
        bool too_long = static_cast<int>(nsn.size()) > home_->max_nsn;
        if (too_long && has_pin_err) return fail(pin_message());
        return fail(nat_message());
    }
    if (pc && has_pin_err && !pc->trunk_prefix.empty() &&
        body.substr(0, pc->trunk_prefix.size()) == pc->trunk_prefix)
        return fail(pin_message());
    out_.kind = Kind::Digits;
    out_.canonical.assign(dv);
    out_.written.assign(dv);
    return true;
}

bool Parser::vns(std::string_view d, size_t hash) {
    std::string_view base = d.substr(0, hash), cc = d.substr(hash + 1);
    if (cc.find('#') != std::string_view::npos) return fail("more than one '#' in number");
    if (base.empty()) return fail("no number before '#'");
    if (!all_digits(base)) return fail("a VNS number is digits before '#'");
    if (cc.size() != 3 || !all_digits(cc))
        return fail("a VNS number needs a three-digit country code after '#' (e.g. 6200-6200#082)");
    if (base.size() < 4 || base.size() > 12)
        return fail("VNS number " + std::string(base) + " must have 4 to 12 digits before '#'");
    if (!table_.by_code(cc)) return fail("country code " + std::string(cc) + " is unknown");
    out_.kind = Kind::Vns;
    out_.canonical.assign(d);
    out_.country.assign(cc);
    out_.local.assign(base);
    group4(base, out_.written);
    out_.written.push_back('#');
    out_.written.append(cc);
    return true;
}

bool Parser::e164(std::string_view digits) {
    if (digits.empty() || !all_digits(digits)) return fail("E.164 numbers are digits after '+'");
    size_t cc_len = 0;
    const Country *c = table_.by_dial_digits(digits, &cc_len);
    if (!c) {
        std::string code(digits.substr(0, 3));
        while (code.size() < 3) code.insert(code.begin(), '0');
        return fail("country code " + code + " is unknown");
    }
    int len = static_cast<int>(digits.size() - cc_len);
    if (len < c->min_nsn || len > c->max_nsn)
        return fail(std::string("number too ") + (len < c->min_nsn ? "short" : "long") +
                    " for country " + c->code + " (expected " + range_text(c->min_nsn, c->max_nsn) +
                    " digits after +" + c->dial_code() + ", got " + std::to_string(len) + ")");
    out_.canonical.assign("+");
    out_.canonical.append(digits);
    out_.e164 = out_.canonical;
    out_.country = c->code;
    out_.written.assign("+");
    out_.written.append(digits.substr(0, cc_len));
    out_.written.push_back(' ');
    out_.written.append(digits.substr(cc_len));
    const CarrierPrefix *cp = table_.carrier_for(out_.e164);
    if (cp) {
        out_.kind = Kind::Carrier;
        out_.carrier = cp->carrier;
    } else {
        out_.kind = Kind::Pstn;
    }
    return true;
}

}  // namespace

bool NumberPlan::parse(std::string_view text, std::string_view home_country, Number &out,
                       std::string &error) const {
    clear(out);
    error.clear();
    Parser p(*table_, home_country, out, error);
    return p.run(text);
}

ParseResult NumberPlan::parse(std::string_view text, std::string_view home_country) const {
    ParseResult r;
    r.ok = parse(text, home_country, r.number, r.error);
    return r;
}

std::string NumberPlan::pstn_of(std::string_view text, std::string_view home_country) const {
    const ParseResult p = parse(text, home_country);
    if (!p) return {};
    switch (p.number.kind) {
        case Kind::Pin:
        case Kind::Pstn:
        case Kind::Carrier:
            return p.number.e164;
        default:
            return {};
    }
}

}  // namespace vce::numplan
