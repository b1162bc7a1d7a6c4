// sofia-sip's own messages (tport, nta, nua, sresolv, ...) into vced's log, with a level and
// rate-limited, instead of raw lines on stderr. Installed at chan_sip's load, removed at its
// unload (after the SIP threads have stopped: sofia calls us from those threads).
#pragma once

namespace vce::sip::sofia_log {

void install();    // core thread, before any SIP thread starts
void uninstall();  // core thread, after every SIP thread has stopped

}  // namespace vce::sip::sofia_log
