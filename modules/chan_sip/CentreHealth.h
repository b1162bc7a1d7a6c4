// chan_sip: the health of the SIP hosts routes go to (other centres, trunk gateways), as
// their OPTIONS answers tell it: a host that missed `misses` in a row is down, and up again at
// its first answer. Written by the centre monitor on the first SIP thread, read by Route()
// on any thread (the service "sip_health", vce/HealthService.h). Pure: no I/O, no clock.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "vce/HealthService.h"

namespace vce::sip {

class CentreHealth : public HealthService {
public:
    enum class Change { None, Down, Up };

    explicit CentreHealth(int misses = 2) : misses_(misses < 1 ? 1 : misses) {}

    // The hosts to watch ("host:port"); the others are forgotten, new ones start unknown.
    void watch(const std::vector<std::string> &hosts);
    std::vector<std::string> watched() const;
    // The outcome of one OPTIONS to `host`; says when it made the host go down or come back.
    Change answered(const std::string &host);
    Change missed(const std::string &host);

    bool down(std::string_view hostport) const override;
    std::string state(std::string_view hostport) const override;
    // `sip show centres`: a line per watched host.
    std::string show() const;

private:
    struct Host {
        int missed = 0;  // unanswered in a row
        bool down = false;
        bool heard = false;  // answered at least once
        unsigned long answers = 0, misses = 0;
    };
    std::string state_locked(const Host &h) const;

    const int misses_;
    mutable std::mutex mutex_;
    std::map<std::string, Host, std::less<>> hosts_;
};

}  // namespace vce::sip
