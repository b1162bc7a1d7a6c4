// The seam between signalling and hardware: one TDM voice channel (a DAHDI channel or a
// virtual one), read and written in 20 ms G.711 blocks, with hook/ring/polarity signalling.
//
// Driven from the TDM thread's poll() loop: poll fd() for pollEvents(); when it fires, call
// read() until it returns Again. Every call is non-blocking.
// Errors: constructors/openers throw std::runtime_error with the device or path and errno text;
// read/write/signal report failure in their return value.
#pragma once

#include <cstddef>
#include <cstdint>

#include "spandsp_glue/G711.h"

namespace vce::dsp {

// Signalling on a line, in both directions (what the far side did, or what we tell it to do).
enum class TdmEvent : uint8_t {
    None = 0,
    OffHook = 1,    // FXS: the phone went off hook.   Towards an FXO trunk: seize / answer.
    OnHook = 2,     // FXS: the phone hung up.          Towards an FXO trunk: release.
    RingStart = 3,  // FXO: the exchange rings us.      Towards an FXS phone: start ringing.
    RingStop = 4,   // FXO: ringing stopped.            Towards an FXS phone: stop ringing.
    Answer = 5,     // the called party answered (trunk answer supervision)
    Polarity = 6,   // line polarity reversal (answer / disconnect supervision, CID alert)
    Flash = 7,      // hook flash
};

enum class ChannelRole : uint8_t {
    Fxs = 0,  // we power an analog phone: we ring it, it goes off hook
    Fxo = 1,  // a trunk to the PSTN: it rings us, we go off hook
};

const char *tdmEventName(TdmEvent e);

class TdmChannel {
public:
    enum class ReadStatus { Audio, Event, Again, Closed, Error };

    virtual ~TdmChannel() = default;
    virtual int fd() const = 0;
    virtual short pollEvents() const = 0;  // POLLIN, plus POLLPRI for DAHDI events
    virtual int number() const = 0;        // channel number within its span, 1-based
    virtual Law law() const = 0;
    virtual ChannelRole role() const = 0;

    // One block of audio (len set, at most cap bytes) or one event. Non-blocking.
    virtual ReadStatus read(uint8_t *frame, std::size_t cap, std::size_t &len, TdmEvent &event) = 0;
    virtual bool writeAudio(const uint8_t *frame, std::size_t len) = 0;
    // Signalling towards the line (ring a phone, seize a trunk, reverse polarity...).
    virtual bool signal(TdmEvent event) = 0;
};

}  // namespace vce::dsp
