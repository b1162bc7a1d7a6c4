// An extension name or pattern (_X Z N [a-b] . !) compiled for matching and overlap dialling.
#include "dialplan/Pattern.h"

#include <stdexcept>

namespace vce::dialplan {

namespace {

void add(uint64_t &lo, uint64_t &hi, unsigned char c) {
    if (c < 64)
        lo |= uint64_t(1) << c;
    else if (c < 128)
        hi |= uint64_t(1) << (c - 64);
}

void add_range(uint64_t &lo, uint64_t &hi, char a, char b) {
    for (int c = static_cast<unsigned char>(a); c <= static_cast<unsigned char>(b); ++c)
        add(lo, hi, static_cast<unsigned char>(c));
}

int popcount(uint64_t lo, uint64_t hi) {
    return __builtin_popcountll(lo) + __builtin_popcountll(hi);
}

}  // namespace

Pattern::Pattern(std::string_view text) {
    if (text.empty()) throw std::invalid_argument("empty extension");
    pattern_ = text[0] == '_';
    if (!pattern_) {
        for (char c : text) {
            if (static_cast<unsigned char>(c) < 33 || static_cast<unsigned char>(c) > 126)
                throw std::invalid_argument("extension '" + std::string(text) +
                                            "' has a space or control character");
            if (c != '-') text_.push_back(c);
        }
        if (text_.empty())
            throw std::invalid_argument("extension '" + std::string(text) + "' is only dashes");
        return;
    }
    text_.push_back('_');
    for (size_t i = 1; i < text.size(); ++i) {
        char c = text[i];
        Elem e;
        int rank = 0;
        switch (c) {
            case '-':
                continue;
            case 'X':
            case 'x':
                add_range(e.lo, e.hi, '0', '9');
                text_.push_back('X');
                break;
            case 'Z':
            case 'z':
                add_range(e.lo, e.hi, '1', '9');
                text_.push_back('Z');
                break;
            case 'N':
            case 'n':
                add_range(e.lo, e.hi, '2', '9');
                text_.push_back('N');
                break;
            case '.':
            case '!': {
                Elem any;
                any.lo = ~uint64_t(0);
                any.hi = ~uint64_t(0);
                any.lo &= ~uint64_t(1);  // never NUL
                text_.push_back(c);
                if (c == '.') {  // one or more: one, then a waiting star
                    elems_.push_back(any);
                    any.star = true;
                    any.wait = true;
                    elems_.push_back(any);
                    rank_.push_back(1000);
                } else {
                    any.star = true;
                    elems_.push_back(any);
                    rank_.push_back(1001);
                }
                if (elems_.size() > 62)
                    throw std::invalid_argument("pattern '" + std::string(text) +
                                                "' is too long (over 62 elements)");
                continue;
            }
            case '[': {
                size_t end = text.find(']', i + 1);
                if (end == std::string_view::npos)
                    throw std::invalid_argument("unclosed '[' in pattern '" + std::string(text) +
                                                "'");
                std::string_view set = text.substr(i + 1, end - i - 1);
                if (set.empty())
                    throw std::invalid_argument("empty [] in pattern '" + std::string(text) + "'");
                for (size_t k = 0; k < set.size(); ++k) {
                    if (k + 2 < set.size() && set[k + 1] == '-') {
                        if (set[k] > set[k + 2])
                            throw std::invalid_argument("backward range '" +
                                                        std::string(set.substr(k, 3)) +
                                                        "' in pattern '" + std::string(text) + "'");
                        add_range(e.lo, e.hi, set[k], set[k + 2]);
                        k += 2;
                    } else {
                        add(e.lo, e.hi, static_cast<unsigned char>(set[k]));
                    }
                }
                text_.append(text.substr(i, end - i + 1));
                i = end;
                break;
            }
            default:
                if (static_cast<unsigned char>(c) < 33 || static_cast<unsigned char>(c) > 126)
                    throw std::invalid_argument("pattern '" + std::string(text) +
                                                "' has a space or control character");
                if (c == ']')
                    throw std::invalid_argument("']' without '[' in pattern '" + std::string(text) +
                                                "'");
                add(e.lo, e.hi, static_cast<unsigned char>(c));
                text_.push_back(c);
                break;
        }
        rank = popcount(e.lo, e.hi);
        elems_.push_back(e);
        rank_.push_back(rank);
        if (elems_.size() > 62)
            throw std::invalid_argument("pattern '" + std::string(text) +
                                        "' is too long (over 62 elements)");
    }
    if (elems_.empty()) throw std::invalid_argument("pattern '" + std::string(text) + "' is empty");
}

uint64_t Pattern::closure(uint64_t s) const {
    for (size_t e = 0; e < elems_.size(); ++e)
        if (((s >> e) & 1) && elems_[e].star) s |= uint64_t(1) << (e + 1);
    return s;
}

Pattern::Match Pattern::match(std::string_view s) const {
    Match m;
    if (!pattern_) {
        m.full = s == text_;
        m.more = s.size() < text_.size() && text_.compare(0, s.size(), s) == 0;
        return m;
    }
    const size_t n = elems_.size();
    uint64_t states = closure(1);
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        uint64_t next = 0;
        for (size_t e = 0; e < n; ++e) {
            if (!((states >> e) & 1)) continue;
            if (!elems_[e].has(c)) continue;
            next |= elems_[e].star ? (uint64_t(1) << e) : (uint64_t(1) << (e + 1));
        }
        states = closure(next);
        if (!states) return m;
    }
    m.full = (states >> n) & 1;
    for (size_t e = 0; e < n && !m.more; ++e)
        if (((states >> e) & 1) && (!elems_[e].star || elems_[e].wait)) m.more = true;
    return m;
}

bool Pattern::more_specific_than(const Pattern &o) const {
    if (pattern_ != o.pattern_) return !pattern_;
    if (!pattern_) return text_ < o.text_;
    size_t n = std::min(rank_.size(), o.rank_.size());
    for (size_t i = 0; i < n; ++i)
        if (rank_[i] != o.rank_[i]) return rank_[i] < o.rank_[i];
    if (rank_.size() != o.rank_.size()) return rank_.size() < o.rank_.size();
    return text_ < o.text_;
}

}  // namespace vce::dialplan
