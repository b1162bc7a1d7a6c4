// vce-pstnsim: the PSTN on the far side of a virtual span, plus a minimal "box" mode that drives
// a span the way chan_tdm will (for integration runs without vced). See README.
#include <poll.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "spandsp_glue/CallerId.h"
#include "spandsp_glue/DspChain.h"
#include "spandsp_glue/TonePlan.h"
#include "spandsp_glue/VirtualSpan.h"
#include "tests/pstnsim/PstnSim.h"

using namespace vce;
using Clock = std::chrono::steady_clock;

namespace {

void usage() {
    std::fprintf(
        stderr,
        "usage: vce-pstnsim sim --span PATH [--channels N] [--first N] [--numbers SPEC] [--law "
        "alaw|ulaw]\n"
        "                       [--country CC] [--echo-model 2..9] [--call CH:DIGITS] [--seconds "
        "S]\n"
        "                       [--talk-tone HZ] [--listen HZ] [--hangup-after S]\n"
        "       vce-pstnsim box --span PATH (--dial NUMBER | --await-call) [--law alaw|ulaw]\n"
        "                       [--country CC] [--seconds S]\n"
        "       vce-pstnsim phone --span PATH [--channel N] (--dial DIGITS | --await-ring "
        "[--answer])\n"
        "                       [--hold S] [--send DIGITS [--send-after S]] [--law alaw|ulaw]\n"
        "                       [--country CC] [--seconds S]\n"
        "SPEC: 100=echo,200=busy,300=noanswer,400=tone (default)\n");
}

struct Args {
    std::map<std::string, std::string> opt;
    std::string get(const std::string &k, const std::string &d = "") const {
        auto it = opt.find(k);
        return it == opt.end() ? d : it->second;
    }
    bool has(const std::string &k) const { return opt.count(k) != 0; }
};

void log(const std::string &s) {
    std::printf("%s\n", s.c_str());
    std::fflush(stdout);
}

int runSim(const Args &a) {
    pstnsim::SimConfig cfg;
    if (!dsp::parseLaw(a.get("law", "alaw"), cfg.law))
        throw std::runtime_error("--law: alaw or ulaw");
    cfg.country = a.get("country", "de");
    cfg.echoModel = std::stoi(a.get("echo-model", "0"));
    cfg.talkToneHz = std::stoi(a.get("talk-tone", "0"));
    cfg.listenHz = std::stoi(a.get("listen", "0"));
    cfg.hangupAfterMs = static_cast<int>(std::stod(a.get("hangup-after", "0")) * 1000);
    const int first = std::stoi(a.get("first", "1"));
    const auto numbers =
        pstnsim::NumberTable::parse(a.get("numbers", "100=echo,200=busy,300=noanswer,400=tone"));
    const int channels = std::stoi(a.get("channels", "1"));
    const std::string span = a.get("span");
    const double seconds = std::stod(a.get("seconds", "10"));

    std::vector<std::unique_ptr<dsp::VirtualChannel>> ch;
    std::vector<std::unique_ptr<pstnsim::SimLine>> lines;
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    for (int i = first; i < first + channels; ++i) {
        for (;;) {
            try {
                ch.push_back(dsp::VirtualChannel::connect(span, i, cfg.law));
                break;
            } catch (const std::exception &e) {
                if (Clock::now() > deadline) throw;
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        }
        lines.push_back(std::make_unique<pstnsim::SimLine>(i, numbers, cfg, log));
        log("ch" + std::to_string(i) + ": connected to " + span);
    }
    if (a.has("call")) {
        const std::string c = a.get("call");
        const int n = std::stoi(c.substr(0, c.find(':')));
        if (n >= first && n < first + channels)
            lines[n - first]->placeCall(
                c.find(':') == std::string::npos ? "" : c.substr(c.find(':') + 1));
    }
    std::vector<std::vector<uint8_t>> last(channels,
                                           std::vector<uint8_t>(160, dsp::g711Silence(cfg.law)));
    auto next = Clock::now();
    const auto end = Clock::now() + std::chrono::milliseconds(static_cast<long>(seconds * 1000));
    while (Clock::now() < end) {
        for (int i = 0; i < channels; ++i) {
            uint8_t buf[480];
            std::size_t len = 0;
            dsp::TdmEvent ev;
            for (;;) {
                const auto st = ch[i]->read(buf, sizeof buf, len, ev);
                if (st == dsp::TdmChannel::ReadStatus::Audio && len == 160)
                    last[i].assign(buf, buf + 160);
                else if (st == dsp::TdmChannel::ReadStatus::Event) {
                    log("ch" + std::to_string(i + first) + ": box " + dsp::tdmEventName(ev));
                    lines[i]->onEvent(ev);
                } else if (st == dsp::TdmChannel::ReadStatus::Closed) {
                    log("ch" + std::to_string(i + first) + ": box closed the channel");
                    return 0;
                } else if (st != dsp::TdmChannel::ReadStatus::Audio)
                    break;
            }
            uint8_t out[160];
            const std::size_t heardBefore = lines[i]->heardWhileTalking().size();
            lines[i]->onAudio(last[i].data(), out, 160);
            if (lines[i]->heardWhileTalking().size() != heardBefore)
                log("ch" + std::to_string(i + first) + ": heard digits " +
                    lines[i]->heardWhileTalking());
            std::fill(last[i].begin(), last[i].end(), dsp::g711Silence(cfg.law));
            for (dsp::TdmEvent e : lines[i]->takeEvents()) {
                log("ch" + std::to_string(i + first) + ": send " + dsp::tdmEventName(e));
                ch[i]->signal(e);
            }
            ch[i]->writeAudio(out, 160);
        }
        next += std::chrono::milliseconds(20);
        std::this_thread::sleep_until(next);
    }
    return 0;
}

int runBox(const Args &a) {
    dsp::DspChainConfig cc;
    if (!dsp::parseLaw(a.get("law", "alaw"), cc.law))
        throw std::runtime_error("--law: alaw or ulaw");
    cc.country = a.get("country", "de");
    cc.detectCallProgress = true;
    dsp::DspChain chain(cc);
    dsp::VirtualSpan span(a.get("span"), 1, cc.law, dsp::ChannelRole::Fxo);
    const std::string dial = a.get("dial");
    const bool awaitCall = a.has("await-call");
    const auto end =
        Clock::now() +
        std::chrono::milliseconds(static_cast<long>(std::stod(a.get("seconds", "15")) * 1000));
    dsp::VirtualChannel *ch = nullptr;
    bool dialled = false, offHook = false;
    std::string digits, outcome;
    while (Clock::now() < end && outcome.empty()) {
        pollfd p{ch ? ch->fd() : span.fd(), POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) continue;
        if (!ch) {
            span.service();
            ch = span.channel(1);
            if (ch) {
                log("box: channel 1 attached");
                if (!awaitCall) {
                    ch->signal(dsp::TdmEvent::OffHook);
                    offHook = true;
                }
            }
            continue;
        }
        uint8_t buf[480], out[480];
        std::size_t len = 0;
        dsp::TdmEvent ev;
        const auto st = ch->read(buf, sizeof buf, len, ev);
        if (st == dsp::TdmChannel::ReadStatus::Closed) break;
        if (st == dsp::TdmChannel::ReadStatus::Event) {
            log(std::string("box: line ") + dsp::tdmEventName(ev));
            if (ev == dsp::TdmEvent::Answer) outcome = "answer";
            if (ev == dsp::TdmEvent::RingStart && awaitCall && !offHook) {
                ch->signal(dsp::TdmEvent::OffHook);
                offHook = true;
            }
            continue;
        }
        if (st != dsp::TdmChannel::ReadStatus::Audio) continue;
        chain.process(buf, nullptr, nullptr, out, len);
        ch->writeAudio(out, len);
        dsp::DspEventQueue events;
        chain.takeEvents(events);
        for (const auto &e : events) {
            log("box: dsp " + dsp::describe(e));
            if (e.type == dsp::DspEventType::ToneDetected && e.tone == dsp::Tone::Dial &&
                !dialled && !dial.empty()) {
                chain.sendDtmf(dial);
                dialled = true;
            } else if (e.type == dsp::DspEventType::ToneDetected && dialled &&
                       e.tone != dsp::Tone::Dial && e.tone != dsp::Tone::Ringback) {
                outcome = dsp::toneName(e.tone);
            } else if (e.type == dsp::DspEventType::DtmfDigit && awaitCall) {
                digits += e.digit;
            }
        }
    }
    if (awaitCall) outcome = "answered-call digits=" + digits;
    if (outcome.empty()) outcome = "timeout";
    if (ch) ch->signal(dsp::TdmEvent::OnHook);
    log("RESULT: " + outcome);
    return 0;
}

// An analog phone on an FXS port of the box: goes off hook, listens for dial tone, dials;
// or waits for ringing, decodes the caller ID sent between rings and answers. It is the
// clock of its channel (one 160-byte block every 20 ms). Prints DIALTONE:, CALLERID:,
// AUDIO: and RESULT: lines for tests.
int runPhone(const Args &a) {
    dsp::DspChainConfig cc;
    if (!dsp::parseLaw(a.get("law", "alaw"), cc.law))
        throw std::runtime_error("--law: alaw or ulaw");
    cc.country = a.get("country", "de");
    cc.echo = dsp::EchoMode::Off;
    cc.detectCallProgress = true;
    cc.detectFax = false;
    dsp::DspChain chain(cc);
    const dsp::TonePlan *plan = dsp::findTonePlan(cc.country);
    if (!plan) throw std::runtime_error("--country: unknown tone plan");
    dsp::CallerIdDecoder cid(plan->callerId);
    const int channel = std::stoi(a.get("channel", "1"));
    const std::string dial = a.get("dial"), send = a.get("send");
    const bool awaitRing = a.has("await-ring"), answer = a.has("answer");
    const double hold = std::stod(a.get("hold", "0"));
    // The digits go this long after the answer: a far end that latches onto our media only
    // when its first packet arrives (symmetric RTP through a NAT) misses what came before.
    const auto sendAfter =
        std::chrono::milliseconds(static_cast<long>(std::stod(a.get("send-after", "0")) * 1000));
    std::unique_ptr<dsp::VirtualChannel> ch;
    const auto connectBy = Clock::now() + std::chrono::seconds(5);
    for (;;) {
        try {
            ch = dsp::VirtualChannel::connect(a.get("span"), channel, cc.law);
            break;
        } catch (const std::exception &) {
            if (Clock::now() > connectBy) throw;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    const std::string me = "phone" + std::to_string(channel) + ": ";
    log(me + "connected to " + a.get("span"));
    bool offHook = false, dialled = false, answered = false, audioHeard = false, ringing = false;
    int rings = 0, toneBlocks = 0;
    std::string outcome, callerId;
    Clock::time_point hangAt = Clock::time_point::max();
    Clock::time_point sendAt = Clock::time_point::max();
    auto goOffHook = [&] {
        ch->signal(dsp::TdmEvent::OffHook);
        offHook = true;
    };
    if (!awaitRing) {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the box see the line
        goOffHook();
        log(me + "off hook");
    }
    std::vector<uint8_t> in(160, dsp::g711Silence(cc.law));
    auto next = Clock::now();
    const auto end =
        Clock::now() +
        std::chrono::milliseconds(static_cast<long>(std::stod(a.get("seconds", "15")) * 1000));
    while (Clock::now() < end && Clock::now() < hangAt) {
        if (Clock::now() >= sendAt) {
            chain.sendDtmf(send);
            sendAt = Clock::time_point::max();
        }
        uint8_t buf[480];
        std::size_t len = 0;
        dsp::TdmEvent ev;
        for (;;) {
            const auto st = ch->read(buf, sizeof buf, len, ev);
            if (st == dsp::TdmChannel::ReadStatus::Audio && len == 160)
                in.assign(buf, buf + 160);
            else if (st == dsp::TdmChannel::ReadStatus::Event) {
                log(me + "line " + dsp::tdmEventName(ev));
                if (ev == dsp::TdmEvent::RingStart) {
                    ringing = true;
                    ++rings;
                    if (awaitRing && answer && !offHook && rings >= 2) {
                        goOffHook();
                        log(me + "off hook (answered on ring " + std::to_string(rings) + ")");
                    }
                } else if (ev == dsp::TdmEvent::RingStop) {
                    ringing = false;
                } else if (ev == dsp::TdmEvent::Polarity && offHook && !awaitRing && !answered) {
                    answered = true;  // answer supervision from the box
                    log(me + "answered");
                    if (!send.empty()) sendAt = Clock::now() + sendAfter;
                    if (hold > 0)
                        hangAt = Clock::now() +
                                 std::chrono::milliseconds(static_cast<long>(hold * 1000));
                    else if (outcome.empty())
                        outcome = "answer";
                }
            } else if (st == dsp::TdmChannel::ReadStatus::Closed) {
                log(me + "box closed the channel");
                hangAt = Clock::now();
                break;
            } else if (st != dsp::TdmChannel::ReadStatus::Audio) {
                break;
            }
        }
        int16_t heard[160];
        uint8_t out[160];
        chain.process(in.data(), heard, nullptr, out, 160);
        std::fill(in.begin(), in.end(), dsp::g711Silence(cc.law));
        ch->writeAudio(out, 160);
        if (!offHook || ringing) {
            cid.process(heard, 160);
            if (auto info = cid.take()) {
                callerId = info->number;
                log("CALLERID: number=" + info->number + " name=" + info->name +
                    " time=" + info->dateTime);
                if (awaitRing && answer && !offHook) {
                    goOffHook();
                    log(me + "off hook (answered after caller id)");
                }
            }
        }
        if (awaitRing && offHook && !answered) {
            answered = true;
            if (!send.empty()) sendAt = Clock::now() + sendAfter;
            hangAt = Clock::now() +
                     std::chrono::milliseconds(static_cast<long>(std::max(hold, 1.0) * 1000));
            outcome = "answered callerid=" + callerId;
        }
        if (offHook && !audioHeard) {
            toneBlocks = pstnsim::toneShare(heard, 160, 1000.0) > 0.5 ? toneBlocks + 1 : 0;
            if (toneBlocks >= 10) {
                audioHeard = true;
                log("AUDIO: 1000 Hz heard");
            }
        }
        dsp::DspEventQueue events;
        chain.takeEvents(events);
        for (const auto &e : events) {
            log(me + "dsp " + dsp::describe(e));
            if (e.type != dsp::DspEventType::ToneDetected || awaitRing) continue;
            if (e.tone == dsp::Tone::Dial && !dialled && !dial.empty()) {
                log("DIALTONE: heard");
                chain.sendDtmf(dial);
                dialled = true;
            } else if (dialled && !answered &&
                       (e.tone == dsp::Tone::Busy || e.tone == dsp::Tone::Congestion)) {
                if (outcome.empty()) outcome = dsp::toneName(e.tone);
                hangAt = Clock::now() + std::chrono::milliseconds(200);
            } else if (dialled && e.tone == dsp::Tone::Ringback) {
                log(me + "ringback");
            }
        }
        if (!outcome.empty() && hangAt == Clock::time_point::max()) break;
        next += std::chrono::milliseconds(20);
        std::this_thread::sleep_until(next);
    }
    if (answered && outcome.empty()) outcome = "answer";
    if (outcome.empty()) outcome = "timeout";
    if (offHook) ch->signal(dsp::TdmEvent::OnHook);
    log(me + "on hook");
    log("RESULT: " + outcome);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return 0;
}
}  // namespace

int main(int argc, char **argv) {
    if (argc < 2 || (std::strcmp(argv[1], "sim") != 0 && std::strcmp(argv[1], "box") != 0 &&
                     std::strcmp(argv[1], "phone") != 0)) {
        usage();
        return 2;
    }
    Args a;
    for (int i = 2; i < argc; ++i) {
        std::string k = argv[i];
        if (k.rfind("--", 0) != 0) {
            usage();
            return 2;
        }
        k.erase(0, 2);
        if (i + 1 < argc && std::strncmp(argv[i + 1], "--", 2) != 0)
            a.opt[k] = argv[++i];
        else
            a.opt[k] = "1";
    }
    if (!a.has("span")) {
        usage();
        return 2;
    }
    try {
        if (std::strcmp(argv[1], "phone") == 0) return runPhone(a);
        return std::strcmp(argv[1], "sim") == 0 ? runSim(a) : runBox(a);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "vce-pstnsim: %s\n", e.what());
        return 1;
    }
}
