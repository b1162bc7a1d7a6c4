// chan_tdm's TDM thread: a poll() loop over the spans' descriptors (POLLIN|POLLPRI, as DAHDI
// signals events with POLLPRI), one DSP chain per channel driven per 20 ms block, the FXS and
// trunk call state machines, dialplan executions of calls from lines and trunks, and bridging.
// The methods live in one file per concept: TdmLoop.cpp (the thread, its loop, spans and
// channels attaching), LineAudio.cpp (audio blocks, RTP, tones, bridging), TdmSignalling.cpp
// (line and DSP events, timers, line states; what they mean is FxsSignalling/FxoSignalling,
// pure), TdmDialplan.cpp (calls through the dialplan and
// their Dial()), LegPlacement.cpp (legs dialled on this engine), TdmCli.cpp (vcectl texts).
//
// Threads: every public method is safe from any thread and hands values to the TDM thread
// (its vce::WorkQueue, whose fd() the loop watches). Results come back through callbacks run on
// the TDM thread (DialEvents) or passed to Host::post (CLI text).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "TdmConfig.h"
#include "TdmLine.h"
#include "vce/Channels.h"
#include "vce/WorkQueue.h"

namespace vce {
class Host;
class DialplanService;
}  // namespace vce

namespace vce::dsp {
class VirtualSpan;
}

namespace vce::tdm {

class TdmEngine {
public:
    // Opens the spans (throws std::runtime_error naming the socket or device). Does not start
    // the thread.
    TdmEngine(TdmConfig config, DialplanService *dialplan, ChannelRegistry *channels);
    ~TdmEngine();  // stops the thread; calls in progress are released
    TdmEngine(const TdmEngine &) = delete;
    TdmEngine &operator=(const TdmEngine &) = delete;

    void start();

    // ChannelTech for other modules: "group/number".
    unsigned long dial(const DialRequest &req, ChannelTech::Events events);
    void hangup(unsigned long handle);

    // Texts for vcectl, produced on the TDM thread and handed to `done` there.
    void show_spans(std::function<void(std::string)> done);
    void show_channels(std::function<void(std::string)> done);

    const TdmConfig &config() const { return cfg_; }

private:
    struct Span;  // TdmSpan.h
    void post(std::function<void()> fn);
    void run();
    void service_span(Span &s, short revents);
    void read_line(Line &l);
    void read_rtp(Line &l);
    void on_audio(Line &l, const uint8_t *frame, std::size_t len);
    void on_signal(Line &l, dsp::TdmEvent ev);
    void on_dsp(Line &l, const dsp::DspEvent &ev);
    void tick(Line &l, Clock::time_point now);
    void attach(Line &l, dsp::TdmChannel *ch);
    void detach(Line &l);

    // Origin side.
    static FxsLine fxs_line(const Line &l);  // what FxsSignalling sees of the line
    void run_fxs(Line &l, const std::vector<FxsAction> &actions);
    static FxoLine fxo_line(const Line &l);  // what FxoSignalling sees of the line
    void run_fxo(Line &l, const std::vector<FxoAction> &actions);
    void collect_digit(Line &l, char d);  // to the call's overlap dialler
    void start_call(Line &l, const std::string &exten);
    void continue_call(Line &l);
    void start_dial(Line &l, const DialArgs &dial);
    void on_leg_event(int origin, unsigned gen, const DialEvent &ev);
    void finish_call(Line &l, const std::string &dialstatus);
    void end_origin(Line &l);  // the origin hung up: drop its leg and execution

    // Leg side.
    int place_leg(const DialTarget &t, const DialRequest &req, int origin,
                  ChannelTech::Events report, unsigned long handle, std::string &dialstatus);
    void leg_answered(Line &l);
    void leg_failed(Line &l, const std::string &dialstatus);
    void leg_ended(Line &l);
    void release_leg(Line &l);  // the requester hung up: no more events
    void bridge(Line &a, Line &b);
    MediaSettings media_settings(dsp::Law law) const;  // tdm.conf media_ip, rtp_ports

    void enter(Line &l, LineState s, Clock::time_point deadline = Clock::time_point::max());
    void play_tone(Line &l, dsp::Tone t);
    Line *line_by_handle(unsigned long handle);

    TdmConfig cfg_;
    DialplanService *dialplan_;
    ChannelRegistry *channels_;
    std::vector<std::unique_ptr<Span>> spans_;
    std::vector<std::unique_ptr<Line>> lines_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<unsigned long> next_handle_{1};
    int rtp_cursor_ = 0;  // next RTP port to try (TDM thread)
    WorkQueue queue_;     // work for the TDM thread; closed once the thread has stopped
};

}  // namespace vce::tdm
