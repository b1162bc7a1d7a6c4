// chan_sip: OPTIONS to the other centres and trunk gateways (see CentreMonitor.h).
#include "CentreMonitor.h"

#include "Engine.h"
#include "SipText.h"
#include "vce/Log.h"
#include "vce/RouteService.h"

namespace vce::sip {

CentreMonitor::CentreMonitor(Engine &engine, CentreHealth &health, int interval_s, int silence_ms)
    : engine_(engine), health_(health), interval_ms_(interval_s * 1000), silence_ms_(silence_ms) {
    if (!timer_.set(engine_.root(), 1, &CentreMonitor::on_timer, this))
        VCE_LOG_ERROR("SIP: cannot set the centre keepalive timer");
}

CentreMonitor::~CentreMonitor() {
    timer_.reset();
    probes_.clear();  // their OPTIONS and deadlines go with them
}

void CentreMonitor::on_timer(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg) {
    reinterpret_cast<CentreMonitor *>(arg)->round();
}

void CentreMonitor::round() {
    // The hosts follow the routing data: a centre added or removed in SQL is watched or
    // forgotten at the next round after the reload.
    if (RouteService *rs = engine_.router()) {
        const unsigned long gen = rs->generation();
        if (!have_hosts_ || gen != generation_) {
            std::vector<std::string> hosts;
            size_t named = 0;
            for (const std::string &h : rs->watched_hosts())
                if (is_ip_address(uri_host(h)))
                    hosts.push_back(h);
                else
                    ++named;
            // Names are not asked: see is_ip_address (sofia's resolver spins on a DNS server
            // it cannot reach, and a keepalive every few seconds would keep it spinning).
            if (named)
                VCE_LOG_NOTICE(
                    "SIP: %zu centre(s) or gateway(s) named by DNS name are not asked "
                    "with OPTIONS (only IP addresses are); routes always take them",
                    named);
            generation_ = gen;
            have_hosts_ = gen != 0;
            health_.watch(hosts);
            std::map<std::string, std::unique_ptr<OptionsProbe>> next;
            for (const std::string &h : hosts) {
                auto it = probes_.find(h);
                if (it != probes_.end()) {
                    next[h] = std::move(it->second);
                    continue;
                }
                const std::string id = std::to_string(++next_id_);
                next[h] =
                    std::make_unique<OptionsProbe>(engine_, "centre-" + id + "-" + h,
                                                   "sip:vced@" + engine_.config().domain, "c" + id);
            }
            probes_.swap(next);  // the forgotten ones' probes go with `next`
        }
    }
    for (auto &[host, probe] : probes_) {
        if (probe->waiting()) continue;
        const std::string h = host;
        probe->send("sip:" + h + ";transport=udp", "sip:" + h, silence_ms_,
                    [this, h](bool answered) { outcome(h, answered); });
    }
    if (!timer_.set(engine_.root(), interval_ms_, &CentreMonitor::on_timer, this))
        VCE_LOG_ERROR("SIP: cannot set the centre keepalive timer");
}

void CentreMonitor::outcome(const std::string &host, bool answered) {
    switch (answered ? health_.answered(host) : health_.missed(host)) {
        case CentreHealth::Change::Down:
            VCE_LOG_NOTICE(
                "SIP centre %s: down (no answer to OPTIONS within %d ms); routes skip it",
                host.c_str(), silence_ms_);
            break;
        case CentreHealth::Change::Up:
            VCE_LOG_NOTICE("SIP centre %s: answers OPTIONS again; routes take it back",
                           host.c_str());
            break;
        case CentreHealth::Change::None:
            break;
    }
}

}  // namespace vce::sip
