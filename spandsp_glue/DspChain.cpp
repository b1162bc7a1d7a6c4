// The per-channel DSP chain between a TDM line and the network side of a call.
#include "spandsp_glue/DspChain.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace vce::dsp {
namespace {

const TonePlan &planFor(const std::string &country) {
    const TonePlan *p = findTonePlan(country);
    if (!p)
        throw std::runtime_error("dsp chain: unknown country '" + country +
                                 "' for call-progress tones; known: " + knownTonePlans());
    return *p;
}

}  // namespace

DspChain::DspChain(const DspChainConfig &config)
    : cfg_(config), plan_(&planFor(config.country)), tones_(*plan_), cidTx_(plan_->callerId) {
    if (cfg_.echo == EchoMode::Nlms) ec_ = std::make_unique<EchoCanceller>(cfg_.echoConfig);
    if (cfg_.echo == EchoMode::SpanDspModem) {
        modemEc_.reset(modem_echo_can_init(cfg_.echoConfig.taps));
        if (!modemEc_)
            throw std::runtime_error("dsp chain: cannot initialise SpanDSP modem_echo_can");
    }
    if (cfg_.detectDtmf) dtmfRx_ = std::make_unique<DtmfDetector>(events_);
    if (cfg_.detectCallProgress)
        progress_ = std::make_unique<CallProgressDetector>(*plan_, events_);
    if (cfg_.detectFax) fax_ = std::make_unique<FaxDetector>(events_);
    events_.reserve(16);
}

DspChain::~DspChain() = default;

void DspChain::process(const uint8_t *fromLine, int16_t *toNetwork, const int16_t *fromNetwork,
                       uint8_t *toLine, std::size_t n) {
    int16_t tx[kFrameSamples], rx[kFrameSamples], clean[kFrameSamples];
    while (n > 0) {
        const std::size_t m = std::min(n, kFrameSamples);
        // Towards the line: the first active generator wins, else the network audio.
        if (!cidTx_.generate(tx, m) && !dtmfTx_.generate(tx, m) && !tones_.generate(tx, m)) {
            if (fromNetwork)
                std::memcpy(tx, fromNetwork, m * sizeof(int16_t));
            else
                std::fill(tx, tx + m, int16_t{0});
        }
        g711Encode(cfg_.law, tx, toLine, m);

        // From the line: decode, cancel the echo of tx, run the detectors.
        g711Decode(cfg_.law, fromLine, rx, m);
        if (ec_) {
            ec_->process(tx, rx, clean, m);
        } else if (modemEc_) {
            for (std::size_t i = 0; i < m; ++i)
                clean[i] = modem_echo_can_update(modemEc_.get(), tx[i], rx[i]);
        } else {
            std::memcpy(clean, rx, m * sizeof(int16_t));
        }
        if (dtmfRx_) dtmfRx_->process(clean, m);
        if (progress_) progress_->process(clean, m);
        if (fax_) fax_->process(clean, m);
        if (toNetwork) {
            std::memcpy(toNetwork, clean, m * sizeof(int16_t));
            toNetwork += m;
        }
        fromLine += m;
        toLine += m;
        if (fromNetwork) fromNetwork += m;
        n -= m;
    }
}

std::size_t DspChain::takeEvents(DspEventQueue &out) {
    const std::size_t k = events_.size();
    out.insert(out.end(), events_.begin(), events_.end());
    events_.clear();
    return k;
}

void DspChain::resetAnswerDetection() {
    if (progress_) progress_->resetAnswer();
}

}  // namespace vce::dsp
