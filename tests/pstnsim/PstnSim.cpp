// The PSTN simulator's core: the exchange at the far end of one virtual channel.
#include "tests/pstnsim/PstnSim.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace vce::pstnsim {

using dsp::DspEvent;
using dsp::DspEventType;
using dsp::TdmEvent;
using dsp::Tone;

const char *serviceName(Service s) {
    switch (s) {
        case Service::Echo:
            return "echo";
        case Service::Tone:
            return "tone";
        case Service::Busy:
            return "busy";
        case Service::NoAnswer:
            return "noanswer";
        default:
            return "congestion";
    }
}

const char *lineStateName(LineState s) {
    static const char *names[] = {"idle", "dialling",   "ringback",    "connected",
                                  "busy", "congestion", "ringing-box", "talking"};
    return names[static_cast<int>(s)];
}

NumberTable NumberTable::parse(const std::string &text) {
    NumberTable t;
    std::string all = text;
    for (char &c : all)
        if (c == '\n') c = ',';
    std::istringstream in(all);
    std::string item;
    while (std::getline(in, item, ',')) {
        const auto hash = item.find('#');
        if (hash != std::string::npos) item.erase(hash);
        item.erase(0, item.find_first_not_of(" \t\r"));
        item.erase(item.find_last_not_of(" \t\r") + 1);
        if (item.empty()) continue;
        const auto eq = item.find('=');
        const std::string num = item.substr(0, eq),
                          svc = eq == std::string::npos ? "" : item.substr(eq + 1);
        if (num.empty() || num.find_first_not_of("0123456789*#") != std::string::npos)
            throw std::runtime_error("number table entry '" + item + "': number must be digits");
        Service s;
        if (svc == "echo")
            s = Service::Echo;
        else if (svc == "tone")
            s = Service::Tone;
        else if (svc == "busy")
            s = Service::Busy;
        else if (svc == "noanswer")
            s = Service::NoAnswer;
        else if (svc == "congestion")
            s = Service::Congestion;
        else
            throw std::runtime_error("number table entry '" + item +
                                     "': service must be echo, tone, busy, noanswer or congestion");
        t.add(num, s);
    }
    return t;
}

const Service *NumberTable::find(const std::string &d) const {
    const auto it = entries_.find(d);
    return it == entries_.end() ? nullptr : &it->second;
}

bool NumberTable::isPrefix(const std::string &d) const {
    const auto it = entries_.upper_bound(d);
    return it != entries_.end() && it->first.size() > d.size() &&
           it->first.compare(0, d.size(), d) == 0;
}

namespace {
dsp::DspChainConfig chainConfig(const SimConfig &c) {
    dsp::DspChainConfig d;
    d.law = c.law;
    d.country = c.country;
    d.echo = dsp::EchoMode::Off;  // the exchange side does not cancel echo
    d.detectDtmf = true;
    d.detectFax = false;
    return d;
}
}  // namespace

SimLine::SimLine(int channel, const NumberTable &numbers, const SimConfig &config, Log log)
    : channel_(channel),
      numbers_(numbers),
      cfg_(config),
      log_(std::move(log)),
      chain_(chainConfig(config)) {
    if (cfg_.echoModel)
        echo_ = std::make_unique<dsp::G168EchoPath>(cfg_.echoModel, cfg_.echoErlDb, 8);
}

void SimLine::say(const std::string &what) {
    if (log_) log_("ch" + std::to_string(channel_) + ": " + what);
}

void SimLine::enter(LineState s) {
    state_ = s;
    ticks_ = 0;
    chain_.stopTone();
    switch (s) {
        case LineState::Dialling:
            chain_.playTone(Tone::Dial);
            break;
        case LineState::Ringback:
            chain_.playTone(Tone::Ringback);
            break;
        case LineState::Busy:
            chain_.playTone(Tone::Busy);
            break;
        case LineState::Congestion:
            chain_.playTone(Tone::Congestion);
            break;
        default:
            break;
    }
    say(std::string("state ") + lineStateName(s));
}

double toneShare(const int16_t *x, std::size_t n, double freq) {
    const double k = 2 * std::cos(2 * M_PI * freq / 8000.0);
    double s1 = 0, s2 = 0, total = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double s0 = x[i] + k * s1 - s2;
        s2 = s1;
        s1 = s0;
        total += static_cast<double>(x[i]) * x[i];
    }
    const double power = s1 * s1 + s2 * s2 - k * s1 * s2;
    return total < 1e3 ? 0 : power / (total * n / 2.0);
}

void SimLine::placeCall(const std::string &digits) {
    if (state_ != LineState::Idle) return;
    callDigits_ = digits;
    heard_.clear();
    listenBlocks_ = 0;
    listenHeard_ = false;
    enter(LineState::RingingBox);
    out_.push_back(TdmEvent::RingStart);
}

std::vector<TdmEvent> SimLine::takeEvents() {
    std::vector<TdmEvent> e;
    e.swap(out_);
    return e;
}

void SimLine::onEvent(TdmEvent e) {
    if (e == TdmEvent::OffHook) {
        if (state_ == LineState::Idle) {
            dialled_.clear();
            sinceDigit_ = 0;
            enter(LineState::Dialling);
        } else if (state_ == LineState::RingingBox) {
            out_.push_back(TdmEvent::RingStop);
            enter(LineState::Talking);
        }
    } else if (e == TdmEvent::OnHook) {
        if (state_ == LineState::RingingBox) out_.push_back(TdmEvent::RingStop);
        if (state_ != LineState::Idle) enter(LineState::Idle);
    }
}

void SimLine::route() {
    const Service *s = numbers_.find(dialled_);
    service_ = s ? *s : Service::Congestion;
    say("dialled " + dialled_ + " -> " + serviceName(service_));
    switch (service_) {
        case Service::Busy:
            enter(LineState::Busy);
            break;
        case Service::Congestion:
            enter(LineState::Congestion);
            break;
        default:
            enter(LineState::Ringback);
            break;  // echo, tone, noanswer
    }
}

void SimLine::onAudio(const uint8_t *in, uint8_t *out, std::size_t n) {
    if (n > 480) n = 480;
    int16_t net[480] = {};
    const int16_t *fromNetwork = nullptr;
    if (state_ == LineState::Connected && service_ == Service::Echo && lastLen_ == n) {
        fromNetwork = lastAudio_;  // the box hears itself 20 ms later
    } else if (state_ == LineState::Connected && service_ == Service::Tone) {
        for (std::size_t i = 0; i < n; ++i) {
            net[i] = static_cast<int16_t>(8000.0 * std::sin(phase_));
            phase_ = std::fmod(phase_ + 2 * M_PI * 1000.0 / 8000.0, 2 * M_PI);
        }
        fromNetwork = net;
    } else if (state_ == LineState::Talking && cfg_.talkToneHz > 0 && ticks_ * 20 > 500 &&
               !chain_.sendingDtmf()) {
        // The caller's tone, once the digits are out.
        for (std::size_t i = 0; i < n; ++i) {
            net[i] = static_cast<int16_t>(8000.0 * std::sin(phase_));
            phase_ = std::fmod(phase_ + 2 * M_PI * cfg_.talkToneHz / 8000.0, 2 * M_PI);
        }
        fromNetwork = net;
    }
    int16_t heard[480];
    chain_.process(in, heard, fromNetwork, out, n);
    if (state_ == LineState::Talking && cfg_.listenHz > 0 && !listenHeard_) {
        listenBlocks_ = toneShare(heard, n, cfg_.listenHz) > 0.5 ? listenBlocks_ + 1 : 0;
        if (listenBlocks_ >= 10) {
            listenHeard_ = true;
            say("AUDIO: " + std::to_string(cfg_.listenHz) + " Hz heard");
        }
    }
    std::copy(heard, heard + n, lastAudio_);
    lastLen_ = n;
    if (echo_ && state_ != LineState::Idle) {
        // Hybrid echo of the box's own audio, added to what we send back.
        int16_t back[480];
        dsp::g711Decode(cfg_.law, out, back, n);
        echo_->addEcho(heard, back, n);
        dsp::g711Encode(cfg_.law, back, out, n);
    }

    dsp::DspEventQueue events;
    chain_.takeEvents(events);
    for (const DspEvent &e : events) {
        if (e.type != DspEventType::DtmfDigit) continue;
        if (state_ == LineState::Dialling) {
            if (dialled_.empty()) chain_.stopTone();  // dial tone stops at the first digit
            dialled_ += e.digit;
            sinceDigit_ = 0;
            say(std::string("digit ") + e.digit);
            if (numbers_.find(dialled_) && !numbers_.isPrefix(dialled_)) {
                route();
                break;
            }
            if (!numbers_.find(dialled_) && !numbers_.isPrefix(dialled_)) {
                route();  // cannot match anything: congestion
                break;
            }
        } else if (state_ == LineState::Talking) {
            heard_ += e.digit;
        }
    }

    ++ticks_;
    const int msNow = ticks_ * 20;
    switch (state_) {
        case LineState::Dialling:
            if (!dialled_.empty() && ++sinceDigit_ * 20 >= cfg_.interDigitMs) route();
            break;
        case LineState::Ringback:
            if (service_ != Service::NoAnswer && msNow >= cfg_.answerAfterMs) {
                out_.push_back(TdmEvent::Answer);
                out_.push_back(TdmEvent::Polarity);
                enter(LineState::Connected);
            }
            break;
        case LineState::Connected:
            // --hangup-after on a call the box placed: the far end hangs up (the exchange
            // releases the line).
            if (cfg_.hangupAfterMs > 0 && msNow >= cfg_.hangupAfterMs) {
                say("far end hangs up");
                out_.push_back(TdmEvent::OnHook);
                enter(LineState::Idle);
            }
            break;
        case LineState::RingingBox: {
            // Ring cadence 1 s on, 4 s off (the box answers by going off hook).
            const int phase = msNow % 5000;
            if (phase == 1000) out_.push_back(TdmEvent::RingStop);
            if (phase == 0) out_.push_back(TdmEvent::RingStart);
            break;
        }
        case LineState::Talking:
            if (msNow == 500 && !callDigits_.empty()) chain_.sendDtmf(callDigits_);
            if (cfg_.hangupAfterMs > 0 && msNow >= cfg_.hangupAfterMs) {
                say("caller hangs up");
                out_.push_back(TdmEvent::OnHook);
                enter(LineState::Idle);
            }
            break;
        default:
            break;
    }
}

}  // namespace vce::pstnsim
