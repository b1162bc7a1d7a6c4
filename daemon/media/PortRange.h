// The relay's UDP ports: even RTP ports (RTCP on the odd one above) from a configured range,
// handed out round robin so a port just freed is the last to be used again. Pure; the caller
// locks.
#pragma once

#include <cstdint>
#include <optional>
#include <set>

namespace vce::media {

class PortRange {
public:
    // [first, last]; first is rounded up to even. Throws std::invalid_argument when the range
    // holds no RTP/RTCP pair.
    PortRange(uint16_t first, uint16_t last);
    // An even port whose pair is free, now taken; nullopt when all are in use.
    std::optional<uint16_t> take();
    void give(uint16_t port);  // a port from take(), free again
    std::size_t in_use() const { return used_.size(); }
    std::size_t capacity() const { return (last_ - first_) / 2 + 1; }

private:
    uint16_t first_, last_;  // even RTP ports, inclusive
    uint16_t next_;
    std::set<uint16_t> used_;
};

}  // namespace vce::media
