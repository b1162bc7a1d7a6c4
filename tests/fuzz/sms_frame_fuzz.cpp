// libFuzzer target: res_sms's VSMS/1 frame parser, as a datagram and as a stream fed in two
// pieces. A complete frame must re-encode to what was parsed; a refusal must say why and
// never consume more than it was given.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "modules/res_sms/Frame.h"

using namespace vce::sms;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string_view in(reinterpret_cast<const char *>(data), size);
    Limits limits;
    limits.max_body = 1024;
    limits.max_header = 512;
    for (Framing framing : {Framing::Datagram, Framing::Stream}) {
        ParseResult r = parse(in, framing, limits);
        if (r.consumed > size) __builtin_trap();
        if (r.state == ParseResult::Invalid) {
            if (r.code.empty() || r.reason.empty()) __builtin_trap();
            if (framing == Framing::Stream && r.consumed == 0) __builtin_trap();  // would spin
            // The answer must itself parse.
            if (parse(encode(error_frame(r.code, r.reason, r.id)), Framing::Datagram).state !=
                ParseResult::Complete)
                __builtin_trap();
        }
        if (r.state == ParseResult::Complete) {
            std::string again = encode(r.frame);
            ParseResult back = parse(again, Framing::Datagram, limits);
            if (back.state != ParseResult::Complete || encode(back.frame) != again)
                __builtin_trap();
        }
    }
    // A stream split anywhere: the first half alone never yields a frame the whole does not.
    ParseResult half = parse(in.substr(0, size / 2), Framing::Stream, limits);
    ParseResult whole = parse(in, Framing::Stream, limits);
    if (half.state == ParseResult::Complete &&
        (whole.state != ParseResult::Complete || whole.consumed != half.consumed))
        __builtin_trap();
    return 0;
}
