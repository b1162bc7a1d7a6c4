// One call's run through the dialplan, shared by every channel module (chan_sip, chan_tdm):
// the channel variables every technology sets, `Dial` recognised and its arguments parsed
// one way, and dial outcomes mapped to DIALSTATUS and to SIP statuses in one table
// (DialOutcome.h). Pure: no I/O, no clock; the channel does what run() asks.
//
// Threads: one owner (the call's thread) drives a driver.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dialplan/Execution.h"

namespace vce {

class DialplanService;

// The agreed channel variables. ${CALLERID(num)} and ${CALLERID(name)} read the first two.
namespace channel_vars {
constexpr const char *kCallerNum = "CALLERID_NUM";    // the caller's number as the channel knows it
constexpr const char *kCallerName = "CALLERID_NAME";  // display name ("" if none)
constexpr const char *kChannel = "CHANNEL";           // "SIP/<call-id>", "TDM/1-3"
constexpr const char *kTechnology = "CHANNEL_TECH";   // "SIP", "TDM"
constexpr const char *kDialStatus =
    "DIALSTATUS";  // ANSWER, BUSY, NOANSWER, CHANUNAVAIL, CONGESTION, CANCEL
constexpr const char *kDialSipStatus = "DIALSIPSTATUS";  // the SIP status of the last Dial
// What the caller may reach: own, carriers or pstn (routing/Peer.h); unset means own.
constexpr const char *kReach = "CALL_REACH";
}  // namespace channel_vars

// Dial(T1&T2&...,timeout[,options]): the targets in order; a missing, bad or non-positive
// timeout gives the channel's default.
struct DialArgs {
    std::vector<std::string> targets;
    int timeout_seconds = 0;
    std::string text;  // "T1&T2" as written, for logs and CDRs
};
DialArgs parse_dial_args(const std::vector<std::string> &args, int default_timeout);

// A dial target "TECH/resource" split at the first '/'; tech is "" when there is no '/'.
struct DialTarget {
    std::string tech, resource;
};
DialTarget split_dial_target(const std::string &target);

struct CallerId {
    std::string number, name;
};

class CallDriver {
public:
    // What the channel does next.
    struct Step {
        enum Kind { Dial, Ended } kind = Ended;
        DialArgs dial;           // Dial: what to dial
        std::string end_reason;  // Ended: "hangup", "end of extension ..." or an error
        std::string dialstatus;  // Ended: the last DIALSTATUS ("" if nothing was dialled)
        int hangup_status = 0;   // Ended: Hangup(code) with a SIP status 300-699, else 0
    };

    // technology "SIP" or "TDM"; channel its name for CHANNEL; extra: channel-specific
    // variables (TDM_GROUP ...). default_timeout: Dial's timeout when the plan gives none.
    CallDriver(const DialplanService &dialplan, std::string context, std::string exten,
               const CallerId &caller, std::string technology, std::string channel,
               int default_timeout, const std::map<std::string, std::string> &extra = {});

    // Steps the plan until it dials or ends. An application other than Dial that waits
    // ends the call (no channel serves it), with the reason saying so.
    Step run();
    // The Dial the plan waits on is over: sets DIALSTATUS and DIALSIPSTATUS (the SIP final
    // status of the failed dial: 404, 408, 486, 503, ...; empty when the technology gave none).
    void dial_done(const std::string &dialstatus, int sip_status = 0);

    dialplan::Execution &execution() { return *exec_; }
    const dialplan::Execution &execution() const { return *exec_; }
    std::string get(const std::string &name) const { return exec_->get(name); }
    const CallerId &caller() const { return caller_; }

private:
    std::unique_ptr<dialplan::Execution> exec_;
    CallerId caller_;
    int default_timeout_;
};

// Registers the core's channel functions in a registry: CALLERID(num|name), read and write.
void register_channel_functions(dialplan::Registry &registry);

}  // namespace vce
