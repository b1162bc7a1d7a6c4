// Symmetric RTP latching for one relayed party (pure).
#include "daemon/media/RtpLatch.h"

namespace vce::media {

void RtpLatch::resignal(const LatchPolicy &p) {
    // Hold the old way (c=0.0.0.0) or a disabled stream names no address: the latch stays, so
    // that resuming from the same address needs no new proof.
    if (p.signalled.ip == 0 || p.signalled.port == 0) return;
    const bool moved = p.signalled != policy_.signalled || p.natted != policy_.natted ||
                       p.source_ip != policy_.source_ip;
    policy_ = p;
    if (!moved) return;
    latched_.reset();
    candidate_.reset();
}

LatchVerdict RtpLatch::packet(const MediaAddr &from, const std::optional<RtpIds> &rtp) {
    if (latched_) {
        if (from == *latched_) return LatchVerdict::Forward;
        ++strays_;
        return LatchVerdict::Stray;
    }
    // The address the party signalled is believed at once (a party not behind NAT may send
    // from another port of it): only it, or someone spoofing it who never sees what we send
    // back, can send from there.
    const bool signalled =
        policy_.signalled.port != 0 &&
        (from == policy_.signalled || (!policy_.natted && from.ip == policy_.signalled.ip));
    if (signalled) {
        latched_ = from;
        return LatchVerdict::Forward;
    }
    if (!policy_.natted || !rtp || (policy_.source_ip != 0 && from.ip != policy_.source_ip)) {
        ++strays_;
        return LatchVerdict::Stray;
    }
    // Behind NAT: the stream must prove itself (one SSRC, sequence numbers in order).
    if (candidate_ && candidate_->from == from && candidate_->ssrc == rtp->ssrc &&
        static_cast<uint16_t>(candidate_->sequence + 1) == rtp->sequence) {
        candidate_->sequence = rtp->sequence;
        if (++candidate_->count >= policy_.probation) {
            latched_ = from;
            candidate_.reset();
            return LatchVerdict::Forward;
        }
        return LatchVerdict::Probation;
    }
    candidate_ = Candidate{from, rtp->ssrc, rtp->sequence, 1};
    if (policy_.probation <= 1) {
        latched_ = from;
        candidate_.reset();
        return LatchVerdict::Forward;
    }
    return LatchVerdict::Probation;
}

}  // namespace vce::media
