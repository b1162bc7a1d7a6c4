// Which SIP thread gets a datagram that arrives on the shared SIP port: a classic BPF
// program for SO_ATTACH_REUSEPORT_CBPF that finds the Call-ID header and hashes its first
// bytes, so every message of a call or transaction (retransmissions, CANCEL, ACK, BYE) goes
// to the same thread whatever the source, and calls from one busy peer spread over all
// threads. Messages whose Call-ID is not spelled "Call-ID:" within the first `scan` bytes
// get an out-of-range index, i.e. the kernel's hash of the source address (still stable
// per source). Pure: builds the program only.
#pragma once

#include <linux/filter.h>

#include <vector>

namespace vce::sip {

// `sockets`: the size of the SO_REUSEPORT group (1..64). `scan`: bytes searched (each costs
// 6 classic instructions, at most 670 fit in 4096; the kernel's translation to eBPF is what
// limits it in practice: 500 attach on Linux 6.18, 512 do not).
std::vector<sock_filter> call_id_steering(unsigned sockets, unsigned scan = 480);
// The same with shorter scans, for a kernel that refuses the longer ones.
std::vector<std::vector<sock_filter>> call_id_steering_candidates(unsigned sockets);

}  // namespace vce::sip
