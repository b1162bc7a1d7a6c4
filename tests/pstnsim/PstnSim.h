// The PSTN simulator's core: the exchange at the far end of one virtual channel. Frame-driven
// and I/O-free (the program in main.cpp moves its frames and events over the virtual span).
//
// Calls from the box (the box seizes the line): dial tone, DTMF digits collected with SpanDSP
// dtmf_rx, then per the number table: echo service, tone service (1 kHz), busy, no answer
// (ringback forever) or congestion for unknown numbers. Calls into the box: ring cadence until
// the box goes off hook, then optional DTMF digits from the "caller", optionally a tone from the
// caller, a tone listened for from the box, and the caller hanging up after a while.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "spandsp_glue/DspChain.h"
#include "spandsp_glue/G168EchoPath.h"
#include "spandsp_glue/TdmChannel.h"

namespace vce::pstnsim {

enum class Service { Echo, Tone, Busy, NoAnswer, Congestion };
const char *serviceName(Service s);

class NumberTable {
public:
    // "100=echo,200=busy,300=noanswer,400=tone" (also newline separated; '#' starts a comment).
    // Throws std::runtime_error naming the bad entry.
    static NumberTable parse(const std::string &text);
    void add(const std::string &number, Service s) { entries_[number] = s; }
    // Exact match; nullptr if none.
    const Service *find(const std::string &digits) const;
    bool isPrefix(const std::string &digits) const;  // some longer number starts with digits

private:
    std::map<std::string, Service> entries_;
};

enum class LineState { Idle, Dialling, Ringback, Connected, Busy, Congestion, RingingBox, Talking };
const char *lineStateName(LineState s);

struct SimConfig {
    dsp::Law law = dsp::Law::Alaw;
    std::string country = "de";
    int answerAfterMs = 1000;  // ringback before an answering service answers
    int interDigitMs = 3000;   // end of dialling without a full match
    int echoModel = 0;         // 2..9: add G.168 hybrid echo of the box's audio; 0: none
    float echoErlDb = 12.0f;
    // Calls into the box, once answered and the digits are sent:
    int talkToneHz = 0;     // the caller sends this tone (0: silence)
    int listenHz = 0;       // report "AUDIO: <Hz> Hz heard" when the box sends this tone
    int hangupAfterMs = 0;  // after answering or being answered, hang up (on hook towards the
                            // box); 0: never
};

// Share of a block's energy at one frequency (Goertzel), 0..1 (0 for near-silence).
double toneShare(const int16_t *x, std::size_t n, double freq);

class SimLine {
public:
    using Log = std::function<void(const std::string &)>;
    SimLine(int channel, const NumberTable &numbers, const SimConfig &config, Log log = {});

    // A signalling event from the box.
    void onEvent(dsp::TdmEvent e);
    // One block from the box (G.711); writes the block to send back into out (same length).
    void onAudio(const uint8_t *in, uint8_t *out, std::size_t n);
    // Start a call into the box; `digits` are sent as DTMF 0.5 s after the box answers.
    void placeCall(const std::string &digits = "");

    // Events to send to the box since the last call (taken).
    std::vector<dsp::TdmEvent> takeEvents();
    LineState state() const { return state_; }
    const std::string &dialled() const { return dialled_; }
    Service service() const { return service_; }
    // Digits heard from the box while talking on a call into the box.
    const std::string &heardWhileTalking() const { return heard_; }

private:
    void enter(LineState s);
    void route();
    void say(const std::string &what);

    int channel_;
    const NumberTable &numbers_;
    SimConfig cfg_;
    Log log_;
    dsp::DspChain chain_;
    std::unique_ptr<dsp::G168EchoPath> echo_;
    std::vector<dsp::TdmEvent> out_;
    LineState state_ = LineState::Idle;
    Service service_ = Service::Congestion;
    std::string dialled_, heard_, callDigits_;
    int ticks_ = 0;       // 20 ms blocks in the current state
    int sinceDigit_ = 0;  // blocks since the last digit
    int16_t lastAudio_[480] = {};
    std::size_t lastLen_ = 0;
    double phase_ = 0;
    int listenBlocks_ = 0;  // consecutive blocks with the listened-for tone
    bool listenHeard_ = false;
};

}  // namespace vce::pstnsim
