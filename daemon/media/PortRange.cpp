// The relay's UDP ports, handed out round robin (pure).
#include "daemon/media/PortRange.h"

#include <stdexcept>
#include <string>

namespace vce::media {

PortRange::PortRange(uint16_t first, uint16_t last) {
    const unsigned f = first + (first & 1u);
    // The last RTP port needs its RTCP port inside the range too.
    const unsigned l = (last & 1u) ? last - 1u : (last >= 2 ? last - 2u : 0u);
    if (first == 0 || f > l || l > 65534)
        throw std::invalid_argument("the port range " + std::to_string(first) + "-" +
                                    std::to_string(last) +
                                    " holds no even RTP port with its RTCP port above it");
    first_ = static_cast<uint16_t>(f);
    last_ = static_cast<uint16_t>(l);
    next_ = first_;
}

std::optional<uint16_t> PortRange::take() {
    for (std::size_t i = 0; i < capacity(); ++i) {
        const uint16_t p = next_;
        next_ = next_ >= last_ ? first_ : static_cast<uint16_t>(next_ + 2);
        if (used_.insert(p).second) return p;
    }
    return std::nullopt;
}

void PortRange::give(uint16_t port) {
    used_.erase(port);
}

}  // namespace vce::media
