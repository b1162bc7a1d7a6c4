// chan_sip: OPTIONS to registered phones; dead ones removed (see BindingQualifier.h).
#include "BindingQualifier.h"

#include <set>

#include "Engine.h"
#include "Location.h"
#include "SipText.h"
#include "vce/Log.h"

namespace vce::sip {

BindingQualifier::BindingQualifier(Engine &engine, int interval_s, int misses, int silence_ms)
    : engine_(engine), interval_ms_(interval_s * 1000), silence_ms_(silence_ms), counts_(misses) {
    if (!timer_.set(engine_.root(), interval_ms_, &BindingQualifier::on_timer, this))
        VCE_LOG_ERROR("SIP: cannot set the qualify timer");
}

BindingQualifier::~BindingQualifier() {
    timer_.reset();
    probes_.clear();  // their OPTIONS and deadlines go with them
}

void BindingQualifier::on_timer(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg) {
    reinterpret_cast<BindingQualifier *>(arg)->round();
}

void BindingQualifier::round() {
    LocationStore &loc = engine_.location();
    const int64_t t = engine_.now();
    std::set<std::string> keys;
    std::map<std::string, std::unique_ptr<OptionsProbe>> next;
    for (const std::string &aor : loc.aors()) {
        for (const Binding &b : loc.lookup(aor, t)) {
            const std::string key = b.aor + "\n" + b.terminal_id;
            keys.insert(key);
            auto it = probes_.find(key);
            std::unique_ptr<OptionsProbe> probe;
            if (it != probes_.end()) {
                probe = std::move(it->second);
            } else {
                const std::string id = std::to_string(++next_id_);
                probe =
                    std::make_unique<OptionsProbe>(engine_, "qualify-" + id + "-" + b.aor,
                                                   "sip:vced@" + engine_.config().domain, "q" + id);
            }
            const std::string hop = next_hop(b);
            // A phone whose contact is a DNS name is not asked (is_ip_address says why).
            if (!probe->waiting() && is_ip_address(uri_host(hop.empty() ? b.contact : hop))) {
                probe->send(hop.empty() ? b.contact : hop, b.contact, silence_ms_,
                            [this, key, b](bool answered) { outcome(key, b, answered); });
            }
            next[key] = std::move(probe);
        }
    }
    probes_.swap(next);  // the probes of bindings that are gone go with `next`
    counts_.keep_only(keys);
    if (!timer_.set(engine_.root(), interval_ms_, &BindingQualifier::on_timer, this))
        VCE_LOG_ERROR("SIP: cannot set the qualify timer");
}

void BindingQualifier::outcome(const std::string &key, const Binding &probed, bool answered) {
    if (answered) {
        counts_.answered(key);
        return;
    }
    if (counts_.missed(key) != QualifyCounts::Verdict::Dead) return;
    // Only the binding that was asked: a phone that registered again meanwhile (a new
    // contact) keeps its new binding.
    for (const Binding &b : engine_.location().lookup(probed.aor, engine_.now())) {
        if (b.terminal_id != probed.terminal_id || b.contact != probed.contact) continue;
        engine_.location().apply({LocationChange{LocationChange::Remove, b}});
        engine_.persist_async(
            {"DELETE FROM bindings WHERE aor = $1 AND terminal_id = $2 AND "
             "contact = $3",
             {b.aor, b.terminal_id, b.contact}});
        VCE_LOG_NOTICE("SIP: %s terminal %s at %s stopped answering OPTIONS: binding removed",
                       printable(b.aor).c_str(), printable(b.terminal_id).c_str(),
                       printable(b.received.empty() ? b.contact : b.received).c_str());
        break;
    }
}

}  // namespace vce::sip
