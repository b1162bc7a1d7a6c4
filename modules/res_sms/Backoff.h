// When a stored short message is tried again while its callee stays registered but does not
// take it: the delay doubles per failed attempt from `base` up to `cap` seconds. Pure.
#pragma once

namespace vce::sms {

inline int retry_delay(int attempts, int base, int cap) {
    long d = base;
    for (int i = 0; i < attempts && d < cap; ++i) d *= 2;
    return d < cap ? static_cast<int>(d) : cap;
}

}  // namespace vce::sms
