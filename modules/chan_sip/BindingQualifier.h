// chan_sip: asks every registered phone "are you there?" (an OPTIONS every qualify_seconds
// through OptionsProbe, to its contact by the way requests for it go: the NAT's address when
// NAT rewrote it) and removes a binding whose phone missed qualify_misses in a row, from the
// location store and the database, with a NOTICE line. Its callers then get the number's
// fallback (the PSTN) at once. The same OPTIONS keep a phone's NAT binding open. First SIP
// thread only (the location store is shared).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "OptionsProbe.h"
#include "QualifyCounts.h"
#include "SofiaHandles.h"

namespace vce::sip {

class Engine;
struct Binding;

class BindingQualifier {
public:
    BindingQualifier(Engine &engine, int interval_s, int misses, int silence_ms);
    ~BindingQualifier();
    BindingQualifier(const BindingQualifier &) = delete;
    BindingQualifier &operator=(const BindingQualifier &) = delete;

private:
    static void on_timer(su_root_magic_t *, su_timer_t *, su_timer_arg_t *arg);
    void round();
    void outcome(const std::string &key, const Binding &probed, bool answered);

    Engine &engine_;
    const int interval_ms_, silence_ms_;
    QualifyCounts counts_;
    std::map<std::string, std::unique_ptr<OptionsProbe>> probes_;  // by aor + terminal id
    Timer timer_;
    unsigned long next_id_ = 0;
};

}  // namespace vce::sip
