// Tells systemd (Type=notify) what vced is doing: ready, reloading, stopping (core thread).
// Without libsystemd (configure --without-systemd) or outside systemd these do nothing.
#pragma once

#include <string>

namespace vce {
namespace systemd {

void ready(const std::string &status);   // READY=1: modules loaded, database reachable
void status(const std::string &status);  // a line for `systemctl status`
void reloading();                        // RELOADING=1 until the next ready()
void stopping();                         // STOPPING=1

}  // namespace systemd
}  // namespace vce
