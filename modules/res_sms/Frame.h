// The framed short message of seed 004 (protocol VSMS/1): the frame, its strict parser and
// its encoder. Pure: no I/O, no clock; README.md defines the wire format.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vce::sms {

enum class Kind { Message, Report, Register, Challenge, Registered, Error };

const char *kind_name(Kind k);  // "MESSAGE", "REPORT", ...

constexpr const char *kDefaultContentType = "text/plain;charset=utf-8";

// One frame. Which fields a kind carries (and which it must) is in README.md; a field a
// kind does not carry stays empty.
struct Frame {
    Kind kind = Kind::Message;
    std::string id;            // MESSAGE, REPORT, ERROR: the sender's id for reports
    std::string from, to;      // MESSAGE: the caller's and the callee's numbers as written
    std::string content_type;  // MESSAGE: empty means kDefaultContentType
    std::string status;        // REPORT: delivered, stored, expired or refused
    std::string reason;        // REPORT, ERROR: a sentence for a person
    std::string number;        // REGISTER, CHALLENGE, REGISTERED: the terminal's number
    std::string expires;       // REGISTER, REGISTERED: seconds, 0 removes the binding
    std::string terminal;      // REGISTER: the terminal's id (MAC, serial); optional
    std::string realm, nonce;  // CHALLENGE, REGISTER (answering one)
    std::string response;      // REGISTER: the digest response (see digest_response)
    std::string code;          // ERROR: 400, 403, 404, 411, 413, 501, 505
    std::string body;          // MESSAGE: bytes, any value including NUL
};

// How the bytes arrive: a datagram holds exactly one frame; a stream holds frames back to back.
enum class Framing { Datagram, Stream };

struct ParseResult {
    enum State { Complete, Incomplete, Invalid } state = Incomplete;
    Frame frame;          // Complete
    size_t consumed = 0;  // Complete and Invalid: bytes to drop from the front of the input
    std::string code;     // Invalid: the ERROR code to answer
    std::string reason;   // Invalid: what was wrong, for the ERROR frame
    std::string id;       // Invalid: the frame's Id when it could be read (for the ERROR frame)
};

struct Limits {
    size_t max_body = 65536;   // bytes
    size_t max_header = 4096;  // bytes from the tag line to the blank line
};

// Parses the frame at the front of `in`. Stream: Incomplete until the whole frame is there;
// after Invalid, dropping `consumed` bytes resynchronises at the next tag line.
ParseResult parse(std::string_view in, Framing framing, const Limits &limits = {});

// The frame on the wire (Length computed from body). Fields are written as given: the
// caller fills what the kind requires (parse(encode(f)) == f for every valid frame).
std::string encode(const Frame &f);

// The ERROR frame answering an Invalid parse.
Frame error_frame(const std::string &code, const std::string &reason, const std::string &id = "");

}  // namespace vce::sms
