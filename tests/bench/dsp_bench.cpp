// dsp-bench: channels per core for the per-channel TDM chain (G.711 decode/encode + echo
// canceller with a 128-tap tail + DTMF detection), with our NLMS canceller and with SpanDSP's
// modem_echo_can in the same chain, and with a trunk's call-progress and answer detection.
// Not a test: prints figures for docs/performance.md.
#include <spandsp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "spandsp_glue/DspChain.h"
#include "spandsp_glue/G168EchoPath.h"

using namespace vce::dsp;

namespace {

// Runs `channels` chains for `seconds` of audio each; returns channels per core (real time).
double measure(EchoMode mode, int channels, double seconds, bool farActive,
               bool callProgress = false) {
    DspChainConfig c;
    c.detectCallProgress = callProgress;
    c.echo = mode;
    c.echoConfig.taps = 128;
    c.detectDtmf = true;
    c.detectFax = false;
    std::vector<std::unique_ptr<DspChain>> chains;
    for (int i = 0; i < channels; ++i) chains.push_back(std::make_unique<DspChain>(c));
    // Prepared line audio: far-end noise with G.168 echo and a near-end talker now and then.
    const int frames = 250;  // 5 s of prepared frames, reused
    std::vector<uint8_t> line(frames * 160);
    std::vector<int16_t> net(frames * 160);
    awgn_state_t *n = awgn_init_dbm0(nullptr, 7, -15.0f);
    awgn_state_t *t = awgn_init_dbm0(nullptr, 8, -20.0f);
    G168EchoPath path(4, 10.0f);
    for (int i = 0; i < frames * 160; ++i) {
        net[i] = farActive ? awgn(n) : 0;
        const float e = path.echo(net[i]) + ((i / 8000) % 3 == 2 ? awgn(t) : 0);
        line[i] = g711Encode(c.law, static_cast<int16_t>(e));
    }
    awgn_free(n);
    awgn_free(t);
    const long totalFrames = static_cast<long>(seconds * 50);
    uint8_t out[160];
    int16_t toNet[160];
    DspEventQueue q;
    const auto start = std::chrono::steady_clock::now();
    for (long f = 0; f < totalFrames; ++f) {
        const int k = static_cast<int>(f % frames) * 160;
        for (auto &ch : chains) {
            ch->process(&line[k], toNet, &net[k], out, 160);
            if (f % 50 == 0) ch->takeEvents(q), q.clear();
        }
    }
    const double cpu =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return channels * seconds / cpu;
}

}  // namespace

int main(int argc, char **argv) {
    const double seconds = argc > 1 ? std::atof(argv[1]) : 20.0;
    const int channels = 64;
    std::printf("DSP chain benchmark: %d channels x %.0f s of audio, one thread, 20 ms blocks\n",
                channels, seconds);
    std::printf(
        "chain = G.711 A-law decode+encode, echo canceller (128 taps), DTMF detection (SpanDSP "
        "dtmf_rx)\n");
    std::printf("%-44s %12s\n", "configuration", "channels/core");
    const struct {
        const char *name;
        EchoMode mode;
        bool farActive;
        bool callProgress = false;
    } runs[] = {
        {"our NLMS EC, far end talking (worst case)", EchoMode::Nlms, true},
        {"our NLMS EC, far end silent", EchoMode::Nlms, false},
        {"SpanDSP modem_echo_can, far end talking", EchoMode::SpanDspModem, true},
        {"no EC (G.711 + DTMF only)", EchoMode::Off, true},
        {"trunk: NLMS EC + call progress and answer", EchoMode::Nlms, true, true},
        {"trunk: call progress and answer, no EC", EchoMode::Off, true, true},
    };
    for (const auto &r : runs)
        std::printf("%-44s %12.0f\n", r.name,
                    measure(r.mode, channels, seconds, r.farActive, r.callProgress));
    return 0;
}
