// The in-dialog answering rule (see InDialogRule.h).
#include "InDialogRule.h"

namespace vce::sip {

InDialogAnswer in_dialog_answer(sip_method_t method) {
    switch (method) {
        case sip_method_bye:
            return {200, true};
        case sip_method_ack:
            return {0, false};
        case sip_method_invite:
        case sip_method_update:
            return {488, false};
        case sip_method_options:
        case sip_method_info:
            return {200, false};
        default:
            return {405, false};
    }
}

}  // namespace vce::sip
