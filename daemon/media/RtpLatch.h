// Symmetric RTP latching for one relayed party, as a pure state machine (no I/O, no clock):
// which packets arriving at the relay's port for that party are its media, and where its
// media goes back to. Guards against RTP bleed: once latched, packets from any other address
// are dropped and counted; a party behind NAT is latched only by a stream that proves itself.
#pragma once

#include <cstdint>
#include <optional>

namespace vce::media {

struct MediaAddr {
    uint32_t ip = 0;  // host byte order
    uint16_t port = 0;
    bool operator==(const MediaAddr &o) const { return ip == o.ip && port == o.port; }
    bool operator!=(const MediaAddr &o) const { return !(*this == o); }
};

struct LatchPolicy {
    MediaAddr signalled;     // from its SDP (port 0: not known yet)
    bool natted = false;     // its SDP names an address it does not send from
    uint32_t source_ip = 0;  // natted: the address its SIP came from (0: any)
    // natted: consecutive packets of one SSRC, sequence numbers in order, from one address
    // before that address is believed.
    unsigned probation = 3;
};

enum class LatchVerdict {
    Forward,    // the party's media: relay it
    Probation,  // a candidate stream, not proven yet: dropped, not counted as a stranger
    Stray,      // not the party's: dropped and counted
};

class RtpLatch {
public:
    explicit RtpLatch(LatchPolicy p = {}) : policy_(p) {}
    // A new offer or answer from the party: where it says its media is. A changed address
    // (a forked answer from another phone, a re-INVITE) unlatches; no address (hold with
    // c=0.0.0.0, port 0) changes nothing.
    void resignal(const LatchPolicy &p);

    // One packet received for this party from `from`; `rtp`: its SSRC and sequence number
    // when it parsed as RTP.
    struct RtpIds {
        uint32_t ssrc = 0;
        uint16_t sequence = 0;
    };
    LatchVerdict packet(const MediaAddr &from, const std::optional<RtpIds> &rtp);

    std::optional<MediaAddr> latched() const { return latched_; }
    // Where the party's media goes: the latched address, else the signalled one; port 0: not
    // yet (a party behind NAT signals an address we cannot reach).
    MediaAddr send_to() const {
        return latched_ ? *latched_ : policy_.natted ? MediaAddr{} : policy_.signalled;
    }
    uint64_t strays() const { return strays_; }

private:
    LatchPolicy policy_;
    std::optional<MediaAddr> latched_;
    struct Candidate {
        MediaAddr from;
        uint32_t ssrc = 0;
        uint16_t sequence = 0;
        unsigned count = 0;
    };
    std::optional<Candidate> candidate_;
    uint64_t strays_ = 0;
};

}  // namespace vce::media
