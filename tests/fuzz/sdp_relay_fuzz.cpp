// libFuzzer target: the SDP the media relay rewrites (a phone's offer or answer) and the latch
// fed with the bytes as packets: any input gets a status and a reason or a rewritten SDP, never
// a crash; a rewrite is itself rewritable to the same thing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "daemon/media/RtpLatch.h"
#include "daemon/media/SdpRelayRewrite.h"

using namespace vce::media;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string sdp(reinterpret_cast<const char *>(data), size);
    const SdpRelayRewrite r = rewriteSdpForRelay(sdp, "192.0.2.10", 40000);
    if (r.status == 200) {
        if (r.sdp.empty() || r.address.empty()) abort();
        const SdpRelayRewrite again = rewriteSdpForRelay(r.sdp, "192.0.2.10", 40000);
        if (again.status != 200 || again.sdp != r.sdp) abort();
    } else if ((r.status != 400 && r.status != 488) || r.reason.empty() || !r.sdp.empty()) {
        abort();
    }
    // The bytes as a stream of packets (address, SSRC, sequence) at a NAT'd party's port.
    RtpLatch latch(LatchPolicy{MediaAddr{0x0a000005, 4000}, true, 0xc6336401, 3});
    for (size_t i = 0; i + 8 <= size; i += 8) {
        const MediaAddr from{0xc6336400u | (data[i] & 3u),
                             static_cast<uint16_t>(data[i + 1] << 8 | data[i + 2])};
        const uint32_t ssrc = data[i + 3] & 1u;
        const uint16_t seq = static_cast<uint16_t>(data[i + 4] << 8 | data[i + 5]);
        const LatchVerdict v = latch.packet(from, RtpLatch::RtpIds{ssrc, seq});
        if (v == LatchVerdict::Forward && (!latch.latched() || !(*latch.latched() == from)))
            abort();
    }
    return 0;
}
