// chan_sip: [upstream:NAME] sections of sip.conf (see UpstreamConfig.h).
#include "UpstreamConfig.h"

#include <set>

#include "SipText.h"

namespace vce::sip {

namespace {
constexpr const char *kPrefix = "upstream:";
constexpr long kMinExpires = 60, kMaxExpires = 86400;

bool dialable(const std::string &number) {
    if (number.empty() || number.size() > 32) return false;
    for (std::size_t i = 0; i < number.size(); ++i) {
        const char c = number[i];
        if (!((c >= '0' && c <= '9') || c == '#' || c == '*' || (c == '+' && i == 0))) return false;
    }
    return true;
}

UpstreamServer parse_server(const std::string &text, const ConfigEntry &e) {
    UpstreamServer s;
    std::string host = text;
    const std::size_t colon = text.rfind(':');
    if (colon != std::string::npos) {
        host = text.substr(0, colon);
        const std::string port = text.substr(colon + 1);
        bool digits = !port.empty() && port.size() <= 5;
        for (char c : port) digits = digits && c >= '0' && c <= '9';
        s.port = digits ? std::stoi(port) : 0;
        if (s.port < 1 || s.port > 65535)
            throw ConfigError(
                e.file, e.line,
                "expected servers = HOST[:PORT], ...; '" + text + "' has no valid port (1..65535)");
    }
    if (host.empty() || host.find_first_of(" \t;,<>\"@") != std::string::npos)
        throw ConfigError(e.file, e.line,
                          "expected servers = HOST[:PORT], ...; '" + text + "' is not a host");
    s.host = host;
    return s;
}
}  // namespace

std::vector<UpstreamConfig> UpstreamConfig::from(const Config &conf) {
    std::vector<UpstreamConfig> out;
    std::set<std::string> names;
    for (const ConfigSection &sec : conf.sections()) {
        if (sec.name.rfind(kPrefix, 0) != 0) continue;
        UpstreamConfig u;
        u.name = sec.name.substr(std::char_traits<char>::length(kPrefix));
        u.file = sec.file;
        u.line = sec.line;
        auto refuse = [&](const std::string &key, const std::string &why) {
            const ConfigEntry *e = sec.find(key);
            return ConfigError(e ? e->file : sec.file, e ? e->line : sec.line,
                               "[" + sec.name + "]: " + why);
        };
        if (u.name.empty()) throw refuse("", "an upstream needs a name: [upstream:NAME]");
        if (!names.insert(u.name).second) throw refuse("", "a second [upstream:" + u.name + "]");
        for (const char *key : {"servers", "numbers"})
            if (!sec.find(key))
                throw refuse("",
                             std::string("expected ") + key + " = ... (a comma-separated list)");
        const ConfigEntry &servers = *sec.find("servers");
        for (const std::string &s : split_list(servers.value))
            u.servers.push_back(parse_server(s, servers));
        if (u.servers.empty()) throw refuse("servers", "expected at least one server");
        for (const std::string &written : split_list(sec.get("numbers"))) {
            std::string n;  // dashes are for the eye (6200-6200#082): the AOR has the digits
            for (char c : written)
                if (c != '-') n += c;
            if (!dialable(n))
                throw refuse("numbers",
                             "'" + written + "' is not a number (digits, * and #, + first)");
            u.numbers.push_back(n);
        }
        if (u.numbers.empty()) throw refuse("numbers", "expected at least one number");
        u.transport = sec.get("transport", u.transport);
        if (u.transport != "udp" && u.transport != "tcp")
            throw refuse("transport", "expected transport = udp or tcp, got '" + u.transport + "'");
        u.domain = sec.get("domain", u.servers.front().host);
        u.username = sec.get("username");
        u.password = sec.get("password");
        if (!u.username.empty() && u.password.empty())
            throw refuse("username", "a username needs a password");
        const long expires = sec.get_int("expires", u.expires);
        if (expires < kMinExpires || expires > kMaxExpires)
            throw refuse("expires", "expires is in seconds, 60..86400");
        u.expires = static_cast<uint32_t>(expires);
        const std::string redirect = sec.get("redirect", "refuse");
        if (redirect != "refuse" && redirect != "follow")
            throw refuse("redirect",
                         "expected redirect = refuse or follow, got '" + redirect + "'");
        u.follow_redirect = redirect == "follow";
        u.context = sec.get("context", u.context);
        if (u.context.empty() || u.context.find_first_of(" \t[]") != std::string::npos)
            throw refuse("context", "expected context = a dialplan context name");
        const long keepalive = sec.get_int("keepalive", u.keepalive_s);
        if (keepalive != 0 && (keepalive < 2 || keepalive > 3600))
            throw refuse("keepalive", "keepalive is in seconds, 2..3600 (0: none)");
        u.keepalive_s = static_cast<int>(keepalive);
        const long silence = sec.get_int("silence_ms", u.silence_ms);
        if (silence < 200 || silence > 30000)
            throw refuse("silence_ms", "silence_ms is in milliseconds, 200..30000");
        u.silence_ms = static_cast<int>(silence);
        if (u.keepalive_s && u.silence_ms >= u.keepalive_s * 1000)
            throw refuse("silence_ms", "silence_ms must be shorter than the keepalive interval");
        for (const ConfigEntry &e : sec.entries) {
            static const std::set<std::string> known = {
                "servers", "numbers", "transport", "domain",     "username", "password",
                "expires", "context", "keepalive", "silence_ms", "redirect"};
            if (!known.count(e.key))
                throw ConfigError(e.file, e.line,
                                  "[" + sec.name + "]: unknown setting '" + e.key + "'");
        }
        out.push_back(std::move(u));
    }
    return out;
}

const UpstreamConfig *upstream_at(const std::vector<UpstreamConfig> &upstreams,
                                  const std::string &ip) {
    for (const UpstreamConfig &u : upstreams)
        for (const UpstreamServer &s : u.servers)
            if (s.host == ip) return &u;
    return nullptr;
}

}  // namespace vce::sip
