// The bind() wrapper behind vce/ReusePort.h. Every bind() of the process (sofia-sip's
// included: libvce comes before libc in the symbol search order) passes through here; only
// UDP sockets bound to an address a module declared are changed.
#include "vce/ReusePort.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>

#include "vce/Log.h"

#ifndef SO_ATTACH_REUSEPORT_CBPF
#define SO_ATTACH_REUSEPORT_CBPF 51
#endif

namespace vce::net {
namespace {

std::mutex &groups_mutex() {
    static std::mutex m;
    return m;
}
// (network-order IPv4 address, port) -> steering program
using Programs = std::vector<std::vector<sock_filter>>;
std::map<std::pair<uint32_t, uint16_t>, Programs> &groups() {
    static std::map<std::pair<uint32_t, uint16_t>, Programs> g;
    return g;
}

std::pair<uint32_t, uint16_t> key_of(const std::string &ip, int port) {
    in_addr a{};
    inet_pton(AF_INET, ip.c_str(), &a);
    return {a.s_addr, htons(static_cast<uint16_t>(port))};
}

}  // namespace

void reuseport_expect(const std::string &ip, int port,
                      std::vector<std::vector<sock_filter>> programs) {
    std::lock_guard<std::mutex> lock(groups_mutex());
    groups()[key_of(ip, port)] = std::move(programs);
}

void reuseport_forget(const std::string &ip, int port) {
    std::lock_guard<std::mutex> lock(groups_mutex());
    groups().erase(key_of(ip, port));
}

}  // namespace vce::net

extern "C" int bind(int fd, const struct sockaddr *addr, socklen_t len) {
    using namespace vce::net;
    Programs programs;
    bool member = false;
    if (addr && addr->sa_family == AF_INET && len >= sizeof(sockaddr_in)) {
        const auto *in = reinterpret_cast<const sockaddr_in *>(addr);
        std::lock_guard<std::mutex> lock(groups_mutex());
        auto it = groups().find({in->sin_addr.s_addr, in->sin_port});
        if (it != groups().end()) {
            int type = 0;
            socklen_t tl = sizeof type;
            if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_DGRAM) {
                member = true;
                programs = it->second;
            }
        }
    }
    if (member) {
        int one = 1;
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) return -1;
    }
    int rc = static_cast<int>(syscall(SYS_bind, fd, addr, len));
    if (rc == 0 && member && !programs.empty()) {
        int err = 0;
        for (auto &program : programs) {
            sock_fprog prog{static_cast<unsigned short>(program.size()), program.data()};
            if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &prog, sizeof prog) == 0) {
                err = 0;
                break;
            }
            err = errno;
        }
        // The group still works then, steered by the kernel's hash of the addresses.
        if (err)
            VCE_LOG_WARNING(
                "SO_ATTACH_REUSEPORT_CBPF failed (%s): SIP threads are chosen by source address",
                std::strerror(err));
    }
    return rc;
}
