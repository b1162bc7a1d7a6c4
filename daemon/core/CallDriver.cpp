// vce::CallDriver: the dialplan run every channel module shares (see vce/CallDriver.h).
#include "vce/CallDriver.h"

#include <strings.h>

#include <cstdlib>

#include "vce/DialplanService.h"

namespace vce {

DialArgs parse_dial_args(const std::vector<std::string> &args, int default_timeout) {
    DialArgs d;
    d.text = args.empty() ? "" : args[0];
    size_t start = 0;
    while (start <= d.text.size() && !d.text.empty()) {
        size_t amp = d.text.find('&', start);
        std::string one =
            d.text.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
        if (!one.empty()) d.targets.push_back(one);
        if (amp == std::string::npos) break;
        start = amp + 1;
    }
    d.timeout_seconds = default_timeout;
    if (args.size() > 1 && !args[1].empty()) {
        char *end = nullptr;
        long t = std::strtol(args[1].c_str(), &end, 10);
        if (end && *end == '\0' && t > 0 && t <= 86400) d.timeout_seconds = static_cast<int>(t);
    }
    return d;
}

DialTarget split_dial_target(const std::string &target) {
    size_t slash = target.find('/');
    if (slash == std::string::npos) return {"", target};
    return {target.substr(0, slash), target.substr(slash + 1)};
}

CallDriver::CallDriver(const DialplanService &dialplan, std::string context, std::string exten,
                       const CallerId &caller, std::string technology, std::string channel,
                       int default_timeout, const std::map<std::string, std::string> &extra)
    : caller_(caller), default_timeout_(default_timeout) {
    exec_ = std::make_unique<dialplan::Execution>(dialplan.current(), dialplan.registry(),
                                                  std::move(context), std::move(exten));
    exec_->set(channel_vars::kCallerNum, caller.number);
    exec_->set(channel_vars::kCallerName, caller.name);
    exec_->set(channel_vars::kTechnology, std::move(technology));
    exec_->set(channel_vars::kChannel, std::move(channel));
    for (const auto &[k, v] : extra) exec_->set(k, v);
}

CallDriver::Step CallDriver::run() {
    Step s;
    if (exec_->run() == dialplan::Execution::State::Waiting) {
        if (strcasecmp(exec_->waiting_app().c_str(), "Dial") == 0) {
            s.kind = Step::Dial;
            s.dial = parse_dial_args(exec_->waiting_args(), default_timeout_);
            return s;
        }
        s.end_reason = "application " + exec_->waiting_app() + " waits, which no channel serves";
    } else {
        s.end_reason = exec_->end_reason();
    }
    s.kind = Step::Ended;
    s.dialstatus = exec_->get(channel_vars::kDialStatus);
    const std::string cause = exec_->get("HANGUPCAUSE");
    char *end = nullptr;
    long code = cause.empty() ? 0 : std::strtol(cause.c_str(), &end, 10);
    if (!cause.empty() && end && *end == '\0' && code >= 300 && code < 700)
        s.hangup_status = static_cast<int>(code);
    return s;
}

void CallDriver::dial_done(const std::string &dialstatus, int sip_status) {
    // DIALSIPSTATUS is set by every Dial (empty when unknown), so that it never tells of an
    // earlier one.
    std::map<std::string, std::string> vars{
        {channel_vars::kDialStatus, dialstatus},
        {channel_vars::kDialSipStatus, sip_status ? std::to_string(sip_status) : std::string()}};
    exec_->resume(vars);
}

void register_channel_functions(dialplan::Registry &registry) {
    auto field = [](const std::vector<std::string> &a) {
        const std::string f = a.empty() ? "num" : a[0];
        return strcasecmp(f.c_str(), "name") == 0 ? channel_vars::kCallerName
                                                  : channel_vars::kCallerNum;
    };
    registry.add_function("CALLERID",
                          {[field](dialplan::Execution &x, const std::vector<std::string> &a) {
                               return x.get(field(a));
                           },
                           [field](dialplan::Execution &x, const std::vector<std::string> &a,
                                   const std::string &v) { x.set(field(a), v); }});
}

}  // namespace vce
