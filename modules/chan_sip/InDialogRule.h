// The one rule for requests inside a dialog this box ends itself (a call it placed for a TDM
// caller, a call it answered for a TDM trunk): BYE ends the call (200), ACK gets no answer,
// a re-INVITE or UPDATE is refused with 488 because the media stays as negotiated, OPTIONS
// and INFO are answered 200, anything else 405. Pure.
#pragma once

#include <sofia-sip/sip.h>

namespace vce::sip {

struct InDialogAnswer {
    int status;      // 0: no answer (ACK)
    bool ends_call;  // BYE
};

InDialogAnswer in_dialog_answer(sip_method_t method);

}  // namespace vce::sip
