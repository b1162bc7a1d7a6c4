// tdm.conf for chan_tdm: spans, their channels' signalling, groups and dialplan contexts.
// Pure (no I/O besides what vce::Config already read). Errors: parse_tdm_config throws
// vce::ConfigError naming file:line.
#pragma once

#include <string>
#include <vector>

#include "spandsp_glue/DspChain.h"
#include "spandsp_glue/TdmChannel.h"
#include "vce/Config.h"

namespace vce::tdm {

enum class SpanType { Virtual, Dahdi };

struct LineConfig {
    int number = 0;  // channel number within the span, 1-based
    dsp::ChannelRole role = dsp::ChannelRole::Fxs;
    std::string group;     // Dial(TDM/<group>/...) reaches it
    std::string context;   // where calls from this line or trunk start
    std::string callerid;  // FXS: the number presented for calls from this phone
    std::string callername;
};

struct SpanConfig {
    std::string name;  // the section name
    SpanType type = SpanType::Virtual;
    std::string path;  // virtual: the unix socket vced listens on
    int first = 1;     // dahdi: first global channel number
    int channels = 0;
    dsp::Law law = dsp::Law::Alaw;
    dsp::ChannelRole role = dsp::ChannelRole::Fxs;
    dsp::EchoMode echo = dsp::EchoMode::Nlms;
    std::vector<LineConfig> lines;  // one per channel, in order
    std::string file;
    int line = 0;
};

struct TdmConfig {
    std::string country = "de";          // tone plan and caller ID standard
    int inter_digit_ms = 5000;           // overlap dialling: end of dialling without '#'
    int dial_tone_wait_ms = 3000;        // trunks: dial anyway when no dial tone is heard by then
    int ring_timeout_s = 30;             // Dial() default when no timeout argument is given
    std::string media_ip = "127.0.0.1";  // RTP of gateway calls (ChannelTech "TDM") binds here
    int rtp_port_min = 40000, rtp_port_max = 40999;  // and on a free port of this range
    std::vector<SpanConfig> spans;

    bool has_group(const std::string &group) const;
};

// Builds the configuration from a parsed tdm.conf. `dahdi_available`: whether this build has
// the DAHDI backend (a dahdi span is refused otherwise).
TdmConfig parse_tdm_config(const Config &conf, bool dahdi_available);

// "trunks/0212345678" -> group "trunks", number "0212345678"; "phones" -> group only.
struct DialTarget {
    std::string group;
    std::string number;
};
bool parse_dial_target(const std::string &resource, DialTarget &out);

// Digits a DTMF generator can send: 0-9 * # A-D; separators ' ', '-', '.', '(', ')' dropped.
// Returns false when anything else is present (a '+' or letters: not dialable on a trunk).
bool dialable_digits(const std::string &number, std::string &out);

}  // namespace vce::tdm
