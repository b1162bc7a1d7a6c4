// The Call-ID steering program (see CallIdSteering.h). In a reuseport program the packet
// starts at the UDP payload; loads past its end end the program with 0 (the first socket).
#include "CallIdSteering.h"

#include <stdexcept>

namespace vce::sip {

namespace {

sock_filter op(unsigned short code, unsigned k, unsigned char jt = 0, unsigned char jf = 0) {
    return sock_filter{code, jt, jf, k};
}

constexpr unsigned kCall = 0x43616c6c;    // "Call" (loads are big-endian)
constexpr unsigned kDashId = 0x2d49443a;  // "-ID:"

}  // namespace

std::vector<sock_filter> call_id_steering(unsigned sockets, unsigned scan) {
    if (sockets < 1 || sockets > 64) throw std::invalid_argument("call_id_steering: 1..64 sockets");
    if (scan > 670) throw std::invalid_argument("call_id_steering: scan at most 670 bytes");
    std::vector<sock_filter> p;
    p.reserve(scan * 6 + 20);
    std::vector<size_t> to_hash;  // the `ja` of each position, patched when `hash` is known
    for (unsigned at = 0; at < scan; ++at) {
        p.push_back(op(BPF_LD | BPF_W | BPF_ABS, at));
        p.push_back(op(BPF_JMP | BPF_JEQ | BPF_K, kCall, 0, 4));  // no: next position
        p.push_back(op(BPF_LD | BPF_W | BPF_ABS, at + 4));
        p.push_back(op(BPF_JMP | BPF_JEQ | BPF_K, kDashId, 0, 2));
        p.push_back(op(BPF_LDX | BPF_W | BPF_IMM, at + 8));  // X = the value's first byte
        to_hash.push_back(p.size());
        p.push_back(op(BPF_JMP | BPF_JA, 0));
    }
    p.push_back(op(BPF_RET | BPF_K, 0xffffffffu));  // not found: the kernel's hash
    const size_t hash = p.size();
    for (size_t j : to_hash) p[j].k = static_cast<unsigned>(hash - (j + 1));
    // Mix the first 12 bytes of the value (leading space included: it is the same in every
    // message of the call). Multiplicative hashing, then the high bits modulo the group size.
    p.push_back(op(BPF_LD | BPF_W | BPF_IND, 0));
    p.push_back(op(BPF_ALU | BPF_MUL | BPF_K, 0x9e3779b1u));
    p.push_back(op(BPF_ST, 0));
    p.push_back(op(BPF_LD | BPF_W | BPF_IND, 4));
    p.push_back(op(BPF_ALU | BPF_MUL | BPF_K, 0x85ebca6bu));
    p.push_back(op(BPF_ST, 1));
    p.push_back(op(BPF_LD | BPF_W | BPF_IND, 8));
    p.push_back(op(BPF_ALU | BPF_MUL | BPF_K, 0xc2b2ae35u));
    p.push_back(op(BPF_LDX | BPF_W | BPF_MEM, 0));
    p.push_back(op(BPF_ALU | BPF_XOR | BPF_X, 0));
    p.push_back(op(BPF_LDX | BPF_W | BPF_MEM, 1));
    p.push_back(op(BPF_ALU | BPF_XOR | BPF_X, 0));
    p.push_back(op(BPF_ST, 0));
    p.push_back(op(BPF_ALU | BPF_RSH | BPF_K, 15));
    p.push_back(op(BPF_LDX | BPF_W | BPF_MEM, 0));
    p.push_back(op(BPF_ALU | BPF_XOR | BPF_X, 0));
    p.push_back(op(BPF_ALU | BPF_MUL | BPF_K, 0x27d4eb2fu));
    p.push_back(op(BPF_ALU | BPF_RSH | BPF_K, 16));
    p.push_back(op(BPF_ALU | BPF_MOD | BPF_K, sockets));
    p.push_back(op(BPF_RET | BPF_A, 0));
    return p;
}

std::vector<std::vector<sock_filter>> call_id_steering_candidates(unsigned sockets) {
    return {call_id_steering(sockets, 480), call_id_steering(sockets, 240),
            call_id_steering(sockets, 120)};
}

}  // namespace vce::sip
