// sd_notify messages for the systemd unit (see SystemdNotify.h).
#include "core/SystemdNotify.h"

#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace vce {
namespace systemd {

#ifdef HAVE_SYSTEMD
// unset_environment = 0: a module that forks (none today) could not speak for vced anyway,
// since systemd accepts only the main pid (NotifyAccess=main).
void ready(const std::string &s) {
    sd_notifyf(0, "READY=1\nSTATUS=%s", s.c_str());
}
void status(const std::string &s) {
    sd_notifyf(0, "STATUS=%s", s.c_str());
}
void reloading() {
    sd_notify(0, "RELOADING=1");
}
void stopping() {
    sd_notify(0, "STOPPING=1");
}
#else
void ready(const std::string &) {}
void status(const std::string &) {}
void reloading() {}
void stopping() {}
#endif

}  // namespace systemd
}  // namespace vce
