// chan_tdm: the names of line states (for vcectl and logs; see LineState.h).
#include "LineState.h"

namespace vce::tdm {

const char *line_state_name(LineState s) {
    switch (s) {
        case LineState::Unattached:
            return "unattached";
        case LineState::Idle:
            return "idle";
        case LineState::DialTone:
            return "dialtone";
        case LineState::Collecting:
            return "collecting digits";
        case LineState::Routing:
            return "routing";
        case LineState::Seizing:
            return "seizing";
        case LineState::Dialling:
            return "dialling";
        case LineState::Ringing:
            return "ringing";
        case LineState::Up:
            return "up";
        case LineState::Tone:
            return "tone";
    }
    return "?";
}

}  // namespace vce::tdm
