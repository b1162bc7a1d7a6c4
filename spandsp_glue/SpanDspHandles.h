// RAII owners for the SpanDSP C states used by the DSP chain (one deleter per type).
#pragma once

#include <spandsp.h>

#include <memory>

namespace vce::dsp {

template <typename T, int (*Free)(T *)>
struct SpanFree {
    void operator()(T *p) const noexcept {
        if (p) Free(p);
    }
};

using DtmfRxPtr = std::unique_ptr<dtmf_rx_state_t, SpanFree<dtmf_rx_state_t, dtmf_rx_free>>;
using DtmfTxPtr = std::unique_ptr<dtmf_tx_state_t, SpanFree<dtmf_tx_state_t, dtmf_tx_free>>;
using AdsiTxPtr = std::unique_ptr<adsi_tx_state_t, SpanFree<adsi_tx_state_t, adsi_tx_free>>;
using AdsiRxPtr = std::unique_ptr<adsi_rx_state_t, SpanFree<adsi_rx_state_t, adsi_rx_free>>;
using ToneGenPtr = std::unique_ptr<tone_gen_state_t, SpanFree<tone_gen_state_t, tone_gen_free>>;
using SuperToneRxPtr =
    std::unique_ptr<super_tone_rx_state_t, SpanFree<super_tone_rx_state_t, super_tone_rx_free>>;
using SuperToneDescPtr =
    std::unique_ptr<super_tone_rx_descriptor_t,
                    SpanFree<super_tone_rx_descriptor_t, super_tone_rx_free_descriptor>>;
using ModemTonesRxPtr =
    std::unique_ptr<modem_connect_tones_rx_state_t,
                    SpanFree<modem_connect_tones_rx_state_t, modem_connect_tones_rx_free>>;
using ModemTonesTxPtr =
    std::unique_ptr<modem_connect_tones_tx_state_t,
                    SpanFree<modem_connect_tones_tx_state_t, modem_connect_tones_tx_free>>;

struct ModemEchoFree {
    void operator()(modem_echo_can_state_t *p) const noexcept {
        if (p) modem_echo_can_free(p);
    }
};
using ModemEchoPtr = std::unique_ptr<modem_echo_can_state_t, ModemEchoFree>;

}  // namespace vce::dsp
