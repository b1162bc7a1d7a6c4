// The per-channel DSP chain between a TDM line and the network side of a call: G.711, echo
// cancellation, in-band DTMF, call-progress tones, caller ID and fax tone detection.
//
// A TDM thread drives it once per 20 ms block with both directions of that block:
//
//   line (G.711) --fromLine--> decode -> echo canceller -> detectors --toNetwork--> (linear)
//   line (G.711) <--toLine---- encode <- CID | DTMF | tone | audio  <--fromNetwork-- (linear)
//
// Detections become DspEvents, collected with takeEvents(). Not thread-safe: one owner thread.
// Errors: the constructor throws std::runtime_error (unknown country, SpanDSP allocation).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "spandsp_glue/CallProgressDetector.h"
#include "spandsp_glue/CallerId.h"
#include "spandsp_glue/Dtmf.h"
#include "spandsp_glue/EchoCanceller.h"
#include "spandsp_glue/FaxDetector.h"
#include "spandsp_glue/G711.h"
#include "spandsp_glue/ToneGenerator.h"

namespace vce::dsp {

enum class EchoMode {
    Off,
    Nlms,          // our EchoCanceller (NLMS + Geigel DTD + NLP + comfort noise)
    SpanDspModem,  // SpanDSP modem_echo_can: plain adaptive filter, for comparison only
};

struct DspChainConfig {
    Law law = Law::Alaw;
    std::string country = "de";  // tone plan, see TonePlan.h
    EchoMode echo = EchoMode::Nlms;
    EchoCancellerConfig echoConfig;  // taps = tail
    bool detectDtmf = true;
    bool detectCallProgress = false;  // trunks (FXO) only
    bool detectFax = true;
};

class DspChain {
public:
    explicit DspChain(const DspChainConfig &config);
    ~DspChain();
    DspChain(const DspChain &) = delete;
    DspChain &operator=(const DspChain &) = delete;

    // One block of n samples (n <= kFrameSamples gives the lowest latency; any n works).
    // fromLine: G.711 read from the line. toNetwork: echo-cancelled linear audio (may be null).
    // fromNetwork: linear audio to send (null = silence). toLine: G.711 to write to the line.
    void process(const uint8_t *fromLine, int16_t *toNetwork, const int16_t *fromNetwork,
                 uint8_t *toLine, std::size_t n);

    // Generation, in priority order on the line: caller ID, DTMF, tone, network audio.
    void playTone(Tone tone) { tones_.start(tone); }
    void stopTone() { tones_.stop(); }
    Tone playingTone() const { return tones_.playing(); }
    bool sendDtmf(const std::string &digits) { return dtmfTx_.send(digits); }
    bool sendCallerId(const CallerIdInfo &info) { return cidTx_.start(info); }
    bool sendingCallerId() const { return cidTx_.active(); }
    bool sendingDtmf() const { return dtmfTx_.active(); }

    // Moves the pending events into `out` (appended); returns how many.
    std::size_t takeEvents(DspEventQueue &out);
    void resetAnswerDetection();

    const DspChainConfig &config() const { return cfg_; }
    const TonePlan &tonePlan() const { return *plan_; }
    const EchoCanceller *echoCanceller() const { return ec_.get(); }

private:
    DspChainConfig cfg_;
    const TonePlan *plan_;
    DspEventQueue events_;
    std::unique_ptr<EchoCanceller> ec_;
    ModemEchoPtr modemEc_;
    std::unique_ptr<DtmfDetector> dtmfRx_;
    std::unique_ptr<CallProgressDetector> progress_;
    std::unique_ptr<FaxDetector> fax_;
    DtmfGenerator dtmfTx_;
    ToneGenerator tones_;
    CallerIdGenerator cidTx_;
};

}  // namespace vce::dsp
