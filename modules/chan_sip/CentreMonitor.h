// chan_sip: watches the SIP hosts routes go to (RouteService::watched_hosts: the other
// centres, the trunk gateways) with an OPTIONS to each every centre_keepalive seconds
// (OptionsProbe), and writes what they answer into CentreHealth, which Route() reads: a
// host that misses centre_misses in a row is skipped at once, and taken back at its first
// answer. A NOTICE line on each change. First SIP thread only.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "CentreHealth.h"
#include "OptionsProbe.h"
#include "SofiaHandles.h"

namespace vce::sip {

class Engine;

class CentreMonitor {
public:
    // SIP thread, after the engine's agent and default leg exist; the first round is sent at
    // once (when the routing data is there).
    CentreMonitor(Engine &engine, CentreHealth &health, int interval_s, int silence_ms);
    ~CentreMonitor();
    CentreMonitor(const CentreMonitor &) = delete;
    CentreMonitor &operator=(const CentreMonitor &) = delete;

private:
    static void on_timer(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg);
    void round();
    void outcome(const std::string &host, bool answered);

    Engine &engine_;
    CentreHealth &health_;
    const int interval_ms_, silence_ms_;
    unsigned long generation_ = 0;  // of the routing data the watched hosts come from
    bool have_hosts_ = false;
    std::map<std::string, std::unique_ptr<OptionsProbe>> probes_;  // by "host:port"
    Timer timer_;
    unsigned long next_id_ = 0;
};

}  // namespace vce::sip
