// The SDP a relayed party receives: its peer's first audio stream moved to the relay's address
// and port. Pure. Errors: a result with status 400 (unparsable) or 488 (nothing we can relay)
// and a reason a person can act on.
#pragma once

#include <cstdint>
#include <string>

namespace vce::media {

struct SdpRelayRewrite {
    int status = 200;
    std::string reason;
    std::string sdp;      // the rewritten SDP (status 200)
    std::string address;  // the original audio address (c=)
    uint16_t port = 0;    // the original audio port (0: the stream is disabled or on hold)
};

// The session- and audio-level c= lines name `address`, the first m=audio line `port`, a=rtcp
// names port + 1; every other m= line gets port 0 (the relay carries one audio stream).
SdpRelayRewrite rewriteSdpForRelay(const std::string &sdp, const std::string &address,
                                   uint16_t port);

}  // namespace vce::media
