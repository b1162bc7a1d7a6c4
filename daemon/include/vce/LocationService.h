// The location store as a service (name "location", offered by chan_sip): where each
// registered terminal of a number can be reached. Other terminal protocols (res_sms's framed
// terminals) keep their bindings here too, so `sip show registrations` shows every terminal
// and routing finds them by number. Every method is safe from any thread and does no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vce {

// One terminal's binding, as values. A framed terminal's contact is "vsms:NUMBER@IP:PORT"
// with transport "vsms-tcp" or "vsms-udp"; SIP terminals' contacts are SIP URIs.
struct TerminalBinding {
    std::string aor;          // the account (the number)
    std::string terminal_id;  // one binding per terminal id
    std::string contact;
    std::string received;   // "ip:port" the registration came from
    std::string transport;  // udp, tcp, tls, vsms-tcp, vsms-udp
    std::string user_agent;
    int64_t expires_at = 0;  // unix seconds
};

class LocationService {
public:
    virtual ~LocationService() = default;
    // Live bindings of `aor`, newest first.
    virtual std::vector<TerminalBinding> bindings(const std::string &aor) = 0;
    // Adds or refreshes the binding of (aor, terminal_id).
    virtual void bind(const TerminalBinding &b) = 0;
    // Removes the binding of (aor, terminal_id), if any.
    virtual void unbind(const std::string &aor, const std::string &terminal_id) = 0;
};

namespace services {
constexpr const char *kLocation = "location";  // vce::LocationService (chan_sip)
}

}  // namespace vce
