// SO_REUSEPORT groups for sockets that a library opens and binds itself. sofia-sip binds
// its own SIP sockets and sets no SO_REUSEPORT, so several SIP threads could not share one
// port. A module declares the address first; vced's bind() wrapper (in libvce) then sets
// SO_REUSEPORT on every UDP socket bound to it and attaches the group's steering program
// (classic BPF, SO_ATTACH_REUSEPORT_CBPF), which picks the socket for each datagram.
#pragma once

#include <linux/filter.h>

#include <string>
#include <vector>

namespace vce::net {

// From now on, UDP sockets bound to ip:port join one SO_REUSEPORT group steered by the
// first of `programs` the kernel accepts (none: the kernel's own hash of the addresses).
void reuseport_expect(const std::string &ip, int port,
                      std::vector<std::vector<sock_filter>> programs);
// Stop treating ip:port specially (sockets already bound keep their group).
void reuseport_forget(const std::string &ip, int port);

}  // namespace vce::net
