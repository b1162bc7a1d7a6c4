// srtp-bench: SRTP protect+unprotect pairs per second on one core, through our SrtpContext and
// through bare libsrtp2 calls, for 172-byte G.711 RTP packets. Not a test: prints figures.
#include <srtp2/srtp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "daemon/media/RtpPacket.h"
#include "daemon/media/SrtpContext.h"

using namespace vce::media;
using Clock = std::chrono::steady_clock;

namespace {

std::size_t packet(uint8_t *buf, uint16_t seq) {
    RtpHeader h;
    h.payloadType = 8;
    h.sequence = seq;
    h.timestamp = seq * 160u;
    h.ssrc = 0x1234;
    uint8_t payload[160];
    std::memset(payload, 0x55, sizeof payload);
    return writeRtp(h, payload, 160, buf, 172);
}

double ours(SrtpSuite s, int pairs) {
    const auto key = randomSrtpKey();
    SrtpContext tx(s, key, SrtpContext::Direction::Outbound),
        rx(s, key, SrtpContext::Direction::Inbound);
    uint8_t buf[172 + kSrtpMaxTrailer];
    const auto t0 = Clock::now();
    for (int i = 0; i < pairs; ++i) {
        std::size_t n = packet(buf, static_cast<uint16_t>(i));
        if (!tx.protect(buf, n) || !rx.unprotect(buf, n)) return -1;
    }
    return pairs / std::chrono::duration<double>(Clock::now() - t0).count();
}

double bare(SrtpSuite s, int pairs) {
    auto key = randomSrtpKey();
    srtp_policy_t in, out;
    std::memset(&in, 0, sizeof in);
    std::memset(&out, 0, sizeof out);
    for (srtp_policy_t *p : {&in, &out}) {
        if (s == SrtpSuite::AesCm128HmacSha1_80)
            srtp_crypto_policy_set_rtp_default(&p->rtp);
        else
            srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p->rtp);
        srtp_crypto_policy_set_rtcp_default(&p->rtcp);
        p->key = key.data();
        p->window_size = 128;
    }
    out.ssrc.type = ssrc_any_outbound;
    in.ssrc.type = ssrc_any_inbound;
    srtp_t tx, rx;
    srtp_create(&tx, &out);
    srtp_create(&rx, &in);
    uint8_t buf[172 + SRTP_MAX_TRAILER_LEN];
    const auto t0 = Clock::now();
    for (int i = 0; i < pairs; ++i) {
        int n = static_cast<int>(packet(buf, static_cast<uint16_t>(i)));
        srtp_protect(tx, buf, &n);
        srtp_unprotect(rx, buf, &n);
    }
    const double r = pairs / std::chrono::duration<double>(Clock::now() - t0).count();
    srtp_dealloc(tx);
    srtp_dealloc(rx);
    return r;
}

}  // namespace

int main(int argc, char **argv) {
    const int pairs = argc > 1 ? std::atoi(argv[1]) : 60000;  // < 65536: no sequence wrap
    std::printf("SRTP benchmark: %d protect+unprotect pairs of 172-byte RTP packets, one thread\n",
                pairs);
    std::printf("%-28s %16s %16s\n", "suite", "SrtpContext/s", "bare libsrtp/s");
    for (SrtpSuite s : {SrtpSuite::AesCm128HmacSha1_80, SrtpSuite::AesCm128HmacSha1_32}) {
        ours(s, 2000);  // warm up (and srtp_init)
        double best = 0, bestBare = 0;
        for (int r = 0; r < 3; ++r) {
            best = std::max(best, ours(s, pairs));
            bestBare = std::max(bestBare, bare(s, pairs));
        }
        std::printf("%-28s %16.0f %16.0f\n", srtpSuiteName(s), best, bestBare);
    }
    return 0;
}
