// The VSMS/1 frame: strict parser and encoder (README.md "The frame"). Every refusal names
// the field and what was expected; the parser never reads past `in`.
#include "modules/res_sms/Frame.h"

#include <cstring>

namespace vce::sms {

namespace {

constexpr std::string_view kTag = "VSMS/";
constexpr std::string_view kVersion = "1";

struct KindName {
    Kind kind;
    const char *name;
};
const KindName kKinds[] = {{Kind::Message, "MESSAGE"},       {Kind::Report, "REPORT"},
                           {Kind::Register, "REGISTER"},     {Kind::Challenge, "CHALLENGE"},
                           {Kind::Registered, "REGISTERED"}, {Kind::Error, "ERROR"}};

// The fields, in the order the encoder writes them; `kinds` and `required` are bit sets of Kind.
enum Check { Token, Address, Decimal, Text, ContentType, StatusWord };
struct Field {
    const char *name;
    std::string Frame::*member;
    unsigned kinds, required;
    Check check;
};
constexpr unsigned bit(Kind k) {
    return 1u << static_cast<unsigned>(k);
}
constexpr unsigned kMsg = bit(Kind::Message), kRep = bit(Kind::Report), kReg = bit(Kind::Register),
                   kChal = bit(Kind::Challenge), kRegd = bit(Kind::Registered),
                   kErr = bit(Kind::Error);
const Field kFields[] = {
    {"Id", &Frame::id, kMsg | kRep | kErr, kMsg | kRep, Token},
    {"From", &Frame::from, kMsg, kMsg, Address},
    {"To", &Frame::to, kMsg, kMsg, Address},
    {"Content-Type", &Frame::content_type, kMsg, 0, ContentType},
    {"Status", &Frame::status, kRep, kRep, StatusWord},
    {"Number", &Frame::number, kReg | kChal | kRegd, kReg | kChal | kRegd, Address},
    {"Expires", &Frame::expires, kReg | kRegd, kReg | kRegd, Decimal},
    {"Terminal", &Frame::terminal, kReg, 0, Token},
    {"Realm", &Frame::realm, kChal | kReg, kChal, Text},
    {"Nonce", &Frame::nonce, kChal | kReg, kChal, Token},
    {"Response", &Frame::response, kReg, 0, Token},
    {"Code", &Frame::code, kErr, kErr, Decimal},
    {"Reason", &Frame::reason, kRep | kErr, kErr, Text},
};

bool token_char(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
           c == '-' || c == '_';
}

// Empty when `v` is a good value for the check, else what was expected.
std::string bad_value(std::string_view v, Check check) {
    if (v.empty()) return "a value";
    switch (check) {
        case Token:
            if (v.size() > 64) return "at most 64 characters";
            for (unsigned char c : v)
                if (!token_char(c)) return "letters, digits, '.', '-' or '_'";
            return "";
        case Address:  // a number as written, an alias or an e-mail address
            if (v.size() > 128) return "at most 128 characters";
            for (unsigned char c : v)
                if (c <= ' ' || c == 0x7f) return "no spaces or control characters";
            return "";
        case Decimal:
            if (v.size() > 9) return "at most 9 digits";
            for (unsigned char c : v)
                if (c < '0' || c > '9') return "digits";
            return "";
        case Text:
            if (v.size() > 256) return "at most 256 bytes";
            for (unsigned char c : v)
                if (c < ' ' || c == 0x7f) return "no control characters";
            return "";
        case ContentType: {
            size_t slash = v.find('/');
            if (slash == std::string_view::npos || slash == 0 || slash + 1 == v.size() ||
                v.size() > 128)
                return "type/subtype[;parameters]";
            for (unsigned char c : v)
                if (c <= ' ' || c == 0x7f) return "type/subtype without spaces";
            return "";
        }
        case StatusWord:
            if (v == "delivered" || v == "stored" || v == "expired" || v == "refused") return "";
            return "delivered, stored, expired or refused";
    }
    return "";
}

ParseResult invalid(std::string code, std::string reason, size_t consumed, std::string id = "") {
    ParseResult r;
    r.state = ParseResult::Invalid;
    r.code = std::move(code);
    r.reason = std::move(reason);
    r.consumed = consumed;
    r.id = std::move(id);
    return r;
}

// After a bad frame in a stream: the next tag line, or all of the input.
size_t resync(std::string_view in, size_t from) {
    size_t at = in.find("\r\nVSMS/", from);
    return at == std::string_view::npos ? in.size() : at + 2;
}

// What can be shown of a peer's bytes in a reason: printable ASCII, at most 32 characters.
std::string shown(std::string_view v) {
    std::string out;
    for (unsigned char c : v.substr(0, 32)) out += (c >= ' ' && c < 0x7f) ? char(c) : '?';
    return out + (v.size() > 32 ? "..." : "");
}

}  // namespace

const char *kind_name(Kind k) {
    for (const auto &kn : kKinds)
        if (kn.kind == k) return kn.name;
    return "?";
}

ParseResult parse(std::string_view in, Framing framing, const Limits &limits) {
    const bool stream = framing == Framing::Stream;
    if (in.empty()) return stream ? ParseResult{} : invalid("400", "empty datagram", 0);
    // A stream that does not start with the tag cannot become a frame: say so early.
    size_t tag_have = std::min(in.size(), kTag.size());
    if (in.substr(0, tag_have) != kTag.substr(0, tag_have))
        return invalid("400",
                       "not a VSMS frame: expected \"VSMS/1 KIND\", got \"" +
                           shown(in.substr(0, in.find("\r\n"))) + "\"",
                       stream ? resync(in, 0) : in.size());
    size_t head_end = in.find("\r\n\r\n");
    if (head_end == std::string_view::npos || head_end + 4 > limits.max_header) {
        if (head_end == std::string_view::npos && stream && in.size() < limits.max_header)
            return ParseResult{};
        if (head_end == std::string_view::npos && !stream && in.size() < limits.max_header)
            return invalid("400", "no blank line after the header", in.size());
        return invalid("400", "header longer than " + std::to_string(limits.max_header) + " bytes",
                       stream ? resync(in, 0) : in.size());
    }
    const size_t body_at = head_end + 4;
    const size_t skip_header = stream ? resync(in, 0) : in.size();
    std::string_view head = in.substr(0, head_end);

    // The tag line: VSMS/<version> <KIND>
    size_t eol = head.find("\r\n");
    std::string_view tag = head.substr(0, eol);
    size_t space = tag.find(' ');
    std::string_view version =
        tag.substr(kTag.size(),
                   space == std::string_view::npos ? std::string_view::npos : space - kTag.size());
    if (version != kVersion)
        return invalid("505", "version \"" + shown(version) + "\" not supported (VSMS/1 is)",
                       skip_header);
    if (space == std::string_view::npos)
        return invalid("400", "tag line without a kind: expected \"VSMS/1 KIND\"", skip_header);
    std::string_view kind_text = tag.substr(space + 1);
    const KindName *kind = nullptr;
    for (const auto &kn : kKinds)
        if (kind_text == kn.name) kind = &kn;
    if (!kind)
        return invalid("501",
                       "unknown kind \"" + shown(kind_text) +
                           "\" (MESSAGE, REPORT, REGISTER, CHALLENGE, REGISTERED or ERROR)",
                       skip_header);

    ParseResult r;
    Frame &f = r.frame;
    f.kind = kind->kind;
    const unsigned kbit = bit(f.kind);
    unsigned seen = 0;
    std::string length_text;
    bool have_length = false;
    std::string id;
    // First pass for the Id only, so every refusal below can name the frame it refuses.
    for (size_t at = eol == std::string_view::npos ? head.size() : eol + 2; at < head.size();) {
        size_t end = head.find("\r\n", at);
        if (end == std::string_view::npos) end = head.size();
        std::string_view line = head.substr(at, end - at);
        if (line.rfind("Id: ", 0) == 0 && bad_value(line.substr(4), Token).empty())
            id = std::string(line.substr(4));
        at = end + 2;
    }
    for (size_t at = eol == std::string_view::npos ? head.size() : eol + 2; at < head.size();) {
        size_t end = head.find("\r\n", at);
        if (end == std::string_view::npos) end = head.size();
        std::string_view line = head.substr(at, end - at);
        at = end + 2;
        size_t colon = line.find(": ");
        if (colon == std::string_view::npos || colon == 0)
            return invalid("400", "field line \"" + shown(line) + "\" is not \"Name: value\"",
                           skip_header, id);
        std::string_view name = line.substr(0, colon), value = line.substr(colon + 2);
        if (name == "Length") {
            if (have_length) return invalid("400", "Length given twice", skip_header, id);
            std::string why = bad_value(value, Decimal);
            if (!why.empty()) return invalid("400", "Length: expected " + why, skip_header, id);
            have_length = true;
            length_text = std::string(value);
            continue;
        }
        const Field *field = nullptr;
        for (const auto &fd : kFields)
            if (name == fd.name) field = &fd;
        if (!field || !(field->kinds & kbit))
            return invalid("400", "field \"" + shown(name) + "\" does not belong in " + kind->name,
                           skip_header, id);
        unsigned fbit = 1u << (field - kFields);
        if (seen & fbit)
            return invalid("400", std::string(field->name) + " given twice", skip_header, id);
        seen |= fbit;
        std::string why = bad_value(value, field->check);
        if (!why.empty())
            return invalid("400", std::string(field->name) + ": expected " + why, skip_header, id);
        f.*(field->member) = std::string(value);
    }
    if (!have_length) return invalid("411", "no Length field", skip_header, id);
    for (size_t i = 0; i < sizeof kFields / sizeof kFields[0]; ++i)
        if ((kFields[i].required & kbit) && !(seen & (1u << i)))
            return invalid("400", std::string(kind->name) + " without " + kFields[i].name,
                           skip_header, id);
    if (f.kind == Kind::Register && f.nonce.empty() != f.response.empty())
        return invalid("400", "REGISTER needs both Nonce and Response, or neither", skip_header,
                       id);
    const size_t length = std::stoul(length_text);
    if (length > 0 && f.kind != Kind::Message)
        return invalid("400", std::string(kind->name) + " carries no body (Length: 0)", skip_header,
                       id);
    if (length > limits.max_body)
        return invalid("413",
                       "body of " + length_text + " bytes is over the limit of " +
                           std::to_string(limits.max_body),
                       skip_header, id);
    // The body, then CRLF: a Length that does not match the body is caught here.
    const size_t total = body_at + length + 2;
    if (!stream && in.size() != total) {
        size_t have = in.size() >= body_at + 2 ? in.size() - body_at - 2 : 0;
        return invalid(
            "411", "Length says " + length_text + " bytes but the body has " + std::to_string(have),
            in.size(), id);
    }
    if (in.size() < total) return ParseResult{};
    if (in.substr(body_at + length, 2) != "\r\n")
        return invalid("411", "Length says " + length_text + " bytes but no CRLF follows them",
                       stream ? resync(in, 0) : in.size(), id);
    f.body = std::string(in.substr(body_at, length));
    r.state = ParseResult::Complete;
    r.consumed = total;
    return r;
}

std::string encode(const Frame &f) {
    std::string out;
    out.reserve(128 + f.body.size());
    out += "VSMS/1 ";
    out += kind_name(f.kind);
    out += "\r\n";
    for (const auto &fd : kFields) {
        const std::string &v = f.*(fd.member);
        if (v.empty() || !(fd.kinds & bit(f.kind))) continue;
        out += fd.name;
        out += ": ";
        out += v;
        out += "\r\n";
    }
    out += "Length: " + std::to_string(f.body.size()) + "\r\n\r\n";
    out += f.body;
    out += "\r\n";
    return out;
}

Frame error_frame(const std::string &code, const std::string &reason, const std::string &id) {
    Frame f;
    f.kind = Kind::Error;
    f.code = code;
    f.reason = reason;
    f.id = id;
    return f;
}

}  // namespace vce::sms
