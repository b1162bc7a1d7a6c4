// The media relay as chan_sip sees it: the SDP of an offer or answer and the call's identity
// in, the SDP rewritten to pass through the relay (or an error status with a reason) out.
// vced's own relay (daemon/media/MediaRelay) and, later, rtpengine drive it. Any thread.
#pragma once

#include <functional>
#include <string>

namespace vce {

enum class MediaSide { Caller, Callee };

struct MediaRequest {
    std::string call_id, from_tag, to_tag;
    MediaSide side = MediaSide::Caller;  // the party that wrote `sdp`
    std::string sdp;
    // Where that party's SIP request or answer came from, and whether it is behind NAT (its
    // SDP names another address): then its media is latched only to packets that prove
    // themselves, from source_ip.
    std::string source_ip;
    bool natted = false;
};

struct MediaResult {
    int status = 200;    // 200: `sdp` is the rewritten SDP; else 400/488/500/503 with a reason
    std::string reason;  // for a Warning header and the log
    std::string sdp;
};

using MediaDone = std::function<void(MediaResult)>;

class MediaRelayService {
public:
    virtual ~MediaRelayService() = default;
    // Any thread. `done` runs exactly once, on any thread: vced's own relay calls it before
    // returning; a relay that answers over the network (rtpengine) calls it later on its own
    // thread, so the caller posts the result to its thread.
    virtual void offer(MediaRequest req, MediaDone done) = 0;
    virtual void answer(MediaRequest req, MediaDone done) = 0;
    // Any thread: the call has ended; its ports are freed (unknown Call-IDs are ignored).
    virtual void release(const std::string &call_id) = 0;
};

namespace services {
constexpr const char *kMediaRelay = "media_relay";  // vce::MediaRelayService (a relay module)
}

}  // namespace vce
