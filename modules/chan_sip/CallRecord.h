// One leg of a call as a CDR row, and the one way its life is recorded: begun, ringing,
// answered, closed once with a disposition (DIALSTATUS or CANCEL) and a SIP status. A leg
// that was answered stays ANSWER whatever ends it. Pure; Engine::close_cdr writes the row.
#pragma once

#include <string>

namespace vce::sip {

struct CallRecord {
    std::string call_id, caller, dialled, routed_to, cls, route, disposition;
    std::string payer;  // the account charged for the leg (an authenticated member); "" none
    int leg = 1, status = 0;
    double started = 0, ring = 0, answered = 0, ended = 0;  // unix seconds, 0 = did not happen

    // A new leg (a new Dial) of the same call: times and outcome start again.
    void begin(double now) {
        started = now;
        ring = answered = ended = 0;
        disposition.clear();
        status = 0;
    }
    void ringing(double now) {
        if (!ring) ring = now;
    }
    void answer(double now, int sip_status) {
        answered = now;
        status = sip_status;
        disposition = "ANSWER";
    }
    // Ends the leg; the outcome counts only for a leg that was not answered. False when it
    // was closed already (the row is written once).
    bool close(double now, const std::string &outcome = "", int sip_status = 0) {
        if (ended > 0) return false;
        ended = now;
        if (answered <= 0) {
            disposition = outcome;
            status = sip_status;
        }
        return true;
    }
    // Whole seconds from answer to end, rounded; 0 for a leg never answered.
    long billable_seconds() const {
        return answered > 0 && ended > answered ? static_cast<long>(ended - answered + 0.5) : 0;
    }
};

}  // namespace vce::sip
