// tdm.conf parsing for chan_tdm (see TdmConfig.h).
#include "TdmConfig.h"

#include <arpa/inet.h>

#include <set>

#include "spandsp_glue/TonePlan.h"

namespace vce::tdm {

namespace {

[[noreturn]] void bad(const ConfigEntry &e, const std::string &why) {
    throw ConfigError(e.file, e.line, why);
}

bool valid_name(const std::string &s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
    return true;
}

int positive(const ConfigEntry &e, int max) {
    std::size_t used = 0;
    long v = -1;
    try {
        v = std::stol(e.value, &used);
    } catch (...) {
        used = 0;
    }
    if (used != e.value.size() || v < 1 || v > max)
        bad(e, e.key + " must be a number from 1 to " + std::to_string(max) + ", not '" + e.value +
                   "'");
    return static_cast<int>(v);
}

std::string trim(std::string s) {
    s.erase(0, s.find_first_not_of(" \t"));
    s.erase(s.find_last_not_of(" \t") + 1);
    return s;
}

// "line => 2, group=phones, context=from-analog, callerid=0262006200082, callername=Kim"
void apply_line(SpanConfig &span, const ConfigEntry &e) {
    std::vector<std::string> parts;
    std::string cur;
    for (char c : e.value) {
        if (c == ',') {
            parts.push_back(trim(cur));
            cur.clear();
        } else {
            cur += c;
        }
    }
    parts.push_back(trim(cur));
    ConfigEntry num = e;
    num.key = "line";
    num.value = parts[0];
    const int n = positive(num, span.channels);
    LineConfig &l = span.lines[static_cast<std::size_t>(n - 1)];
    for (std::size_t i = 1; i < parts.size(); ++i) {
        const auto eq = parts[i].find('=');
        if (eq == std::string::npos)
            bad(e, "line: expected key=value after the channel number, not '" + parts[i] + "'");
        const std::string k = trim(parts[i].substr(0, eq)), v = trim(parts[i].substr(eq + 1));
        if (k == "group") {
            if (!valid_name(v)) bad(e, "line: group must be letters, digits, '-' or '_'");
            l.group = v;
        } else if (k == "context") {
            if (v.empty()) bad(e, "line: context must not be empty");
            l.context = v;
        } else if (k == "callerid") {
            l.callerid = v;
        } else if (k == "callername") {
            l.callername = v;
        } else {
            bad(e, "line: unknown key '" + k + "' (group, context, callerid, callername)");
        }
    }
}

SpanConfig parse_span(const ConfigSection &s, bool dahdi_available) {
    SpanConfig span;
    span.name = s.name;
    span.file = s.file;
    span.line = s.line;
    if (!valid_name(s.name))
        throw ConfigError(s.file, s.line, "span name must be letters, digits, '-' or '_'");
    std::string group, context, callerid, callername;
    bool have_type = false, have_channels = false, have_signalling = false;
    // First pass: the span's own settings; "line =>" overrides come after.
    for (const ConfigEntry &e : s.entries) {
        if (e.key == "type") {
            have_type = true;
            if (e.value == "virtual")
                span.type = SpanType::Virtual;
            else if (e.value == "dahdi") {
                if (!dahdi_available)
                    bad(e, "type = dahdi, but this vced was built without DAHDI (dahdi/user.h)");
                span.type = SpanType::Dahdi;
            } else
                bad(e, "type must be virtual or dahdi, not '" + e.value + "'");
        } else if (e.key == "path") {
            if (e.value.empty() || e.value[0] != '/')
                bad(e, "path must be an absolute socket path");
            if (e.value.size() > 100)
                bad(e, "path is too long for a unix socket (100 characters at most)");
            span.path = e.value;
        } else if (e.key == "first") {
            span.first = positive(e, 1024);
        } else if (e.key == "channels") {
            span.channels = positive(e, 256);
            have_channels = true;
        } else if (e.key == "law") {
            if (!dsp::parseLaw(e.value, span.law))
                bad(e, "law must be alaw or ulaw, not '" + e.value + "'");
        } else if (e.key == "signalling" || e.key == "signaling") {
            have_signalling = true;
            if (e.value == "fxs")
                span.role = dsp::ChannelRole::Fxs;
            else if (e.value == "fxo")
                span.role = dsp::ChannelRole::Fxo;
            else
                bad(e, "signalling must be fxs (analog phones) or fxo (trunk lines), not '" +
                           e.value + "'");
        } else if (e.key == "group") {
            if (!valid_name(e.value)) bad(e, "group must be letters, digits, '-' or '_'");
            group = e.value;
        } else if (e.key == "context") {
            if (e.value.empty()) bad(e, "context must not be empty");
            context = e.value;
        } else if (e.key == "callerid") {
            callerid = e.value;
        } else if (e.key == "callername") {
            callername = e.value;
        } else if (e.key == "echo") {
            if (e.value == "nlms" || e.value == "yes")
                span.echo = dsp::EchoMode::Nlms;
            else if (e.value == "off" || e.value == "no")
                span.echo = dsp::EchoMode::Off;
            else
                bad(e, "echo must be nlms or off, not '" + e.value + "'");
        } else if (e.key == "line") {
            // below
        } else {
            bad(e, "unknown key '" + e.key +
                       "' in a span (type, path, first, channels, law, signalling, group, context, "
                       "callerid, "
                       "callername, echo, line)");
        }
    }
    if (!have_type)
        throw ConfigError(s.file, s.line,
                          "span [" + s.name + "]: type = virtual or dahdi is required");
    if (!have_channels)
        throw ConfigError(s.file, s.line, "span [" + s.name + "]: channels = N is required");
    if (!have_signalling)
        throw ConfigError(s.file, s.line,
                          "span [" + s.name + "]: signalling = fxs or fxo is required");
    if (span.type == SpanType::Virtual && span.path.empty())
        throw ConfigError(s.file, s.line,
                          "span [" + s.name + "]: a virtual span needs path = /socket/path");
    if (context.empty())
        throw ConfigError(
            s.file, s.line,
            "span [" + s.name + "]: context = ... is required (where calls from its lines start)");
    if (group.empty()) group = s.name;
    for (int i = 1; i <= span.channels; ++i) {
        LineConfig l;
        l.number = i;
        l.role = span.role;
        l.group = group;
        l.context = context;
        l.callerid = callerid;
        l.callername = callername;
        span.lines.push_back(l);
    }
    for (const ConfigEntry &e : s.entries)
        if (e.key == "line") apply_line(span, e);
    return span;
}

}  // namespace

bool TdmConfig::has_group(const std::string &group) const {
    for (const auto &s : spans)
        for (const auto &l : s.lines)
            if (l.group == group) return true;
    return false;
}

TdmConfig parse_tdm_config(const Config &conf, bool dahdi_available) {
    TdmConfig c;
    std::set<std::string> paths;
    for (const ConfigSection &s : conf.sections()) {
        if (s.name == "general") {
            for (const ConfigEntry &e : s.entries) {
                if (e.key == "country") {
                    if (!dsp::findTonePlan(e.value))
                        bad(e, "unknown country '" + e.value +
                                   "' (known: " + dsp::knownTonePlans() + ")");
                    c.country = e.value;
                } else if (e.key == "inter_digit_ms") {
                    c.inter_digit_ms = positive(e, 60000);
                } else if (e.key == "dialtone_wait_ms") {
                    c.dial_tone_wait_ms = positive(e, 60000);
                } else if (e.key == "ring_timeout") {
                    c.ring_timeout_s = positive(e, 600);
                } else if (e.key == "media_ip") {
                    in_addr a{};
                    if (inet_pton(AF_INET, e.value.c_str(), &a) != 1)
                        bad(e, "media_ip must be an IPv4 address, not '" + e.value + "'");
                    c.media_ip = e.value;
                } else if (e.key == "rtp_ports") {
                    const auto dash = e.value.find('-');
                    ConfigEntry lo = e, hi = e;
                    lo.value = trim(e.value.substr(0, dash));
                    hi.value = dash == std::string::npos ? "" : trim(e.value.substr(dash + 1));
                    if (dash == std::string::npos)
                        bad(e, "rtp_ports must be a range FIRST-LAST, e.g. 40000-40999, not '" +
                                   e.value + "'");
                    c.rtp_port_min = positive(lo, 65535);
                    c.rtp_port_max = positive(hi, 65535);
                    if (c.rtp_port_min > c.rtp_port_max)
                        bad(e, "rtp_ports: the first port is above the last, '" + e.value + "'");
                } else {
                    bad(e, "unknown key '" + e.key +
                               "' in [general] (country, inter_digit_ms, dialtone_wait_ms, "
                               "ring_timeout, media_ip, rtp_ports)");
                }
            }
            continue;
        }
        SpanConfig span = parse_span(s, dahdi_available);
        if (span.type == SpanType::Virtual && !paths.insert(span.path).second)
            throw ConfigError(
                s.file, s.line,
                "span [" + s.name + "]: path " + span.path + " is used by another span");
        for (const auto &other : c.spans)
            if (other.name == span.name)
                throw ConfigError(s.file, s.line, "span [" + s.name + "] is defined twice");
        c.spans.push_back(std::move(span));
    }
    // A group is all FXS or all FXO: Dial(TDM/group/...) either rings phones or seizes trunks.
    for (const auto &s : c.spans)
        for (const auto &l : s.lines)
            for (const auto &s2 : c.spans)
                for (const auto &l2 : s2.lines)
                    if (l.group == l2.group && l.role != l2.role)
                        throw ConfigError(s2.file, s2.line,
                                          "group '" + l.group +
                                              "' mixes fxs and fxo channels (span [" + s.name +
                                              "] and [" + s2.name + "])");
    return c;
}

bool parse_dial_target(const std::string &resource, DialTarget &out) {
    const auto slash = resource.find('/');
    out.group = resource.substr(0, slash);
    out.number = slash == std::string::npos ? "" : resource.substr(slash + 1);
    if (out.group.empty()) return false;
    for (char c : out.group)
        if (!(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
    return out.number.find('/') == std::string::npos;
}

bool dialable_digits(const std::string &number, std::string &out) {
    out.clear();
    for (char c : number) {
        if ((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D'))
            out += c;
        else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')')
            continue;
        else
            return false;
    }
    return true;
}

}  // namespace vce::tdm
