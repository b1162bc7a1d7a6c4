// Peers, their reach and the networks they are known by (see Peer.h).
#include "routing/Peer.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstring>

namespace vce::routing {

const char *reach_name(Reach r) {
    switch (r) {
        case Reach::Own:
            return "own";
        case Reach::Carriers:
            return "carriers";
        case Reach::Pstn:
            return "pstn";
    }
    return "own";
}

std::optional<Reach> parse_reach(std::string_view s) {
    if (s == "own") return Reach::Own;
    if (s == "carriers") return Reach::Carriers;
    if (s == "pstn") return Reach::Pstn;
    return std::nullopt;
}

Reach reach_needed(RouteClass cls) {
    switch (cls) {
        case RouteClass::Carrier:
            return Reach::Carriers;
        case RouteClass::Pstn:
            return Reach::Pstn;
        default:
            return Reach::Own;
    }
}

bool limit_to_reach(Decision &d, Reach r) {
    if (r != Reach::Pstn) d.pstn_fallback.clear(), d.pstn_number.clear();
    if (!d.ok() || reach_needed(d.cls) <= r) return false;
    const char *what = r == Reach::Own ? "our own numbers" : "our own and other carriers' numbers";
    d.reason = std::string("calls from here may reach ") + what + ", not " +
               (d.cls == RouteClass::Pstn ? "the PSTN" : "other carriers");
    d.cause = "not-permitted";
    d.sip_status = 403;
    d.target.clear();
    d.alternatives.clear();  // every alternative has the class refused
    d.cls = RouteClass::None;
    return true;
}

const char *caller_id_form_name(CallerIdForm f) {
    return f == CallerIdForm::National ? "national" : "e164";
}

std::optional<CallerIdForm> parse_caller_id_form(std::string_view s) {
    if (s == "e164") return CallerIdForm::E164;
    if (s == "national") return CallerIdForm::National;
    return std::nullopt;
}

std::string caller_id_in_form(std::string_view e164, CallerIdForm form,
                              const numplan::CountryTable &countries) {
    if (e164.size() < 3 || e164[0] != '+') return {};
    const std::string_view digits = e164.substr(1);
    if (digits.find_first_not_of("0123456789") != std::string_view::npos) return {};
    size_t cc = 0;
    const numplan::Country *c = countries.by_dial_digits(digits, &cc);
    if (!c || cc >= digits.size()) return {};
    if (form == CallerIdForm::E164) return std::string(e164);
    return c->trunk_prefix + std::string(digits.substr(cc));
}

Reach reach_of_variable(std::string_view value) {
    return parse_reach(value).value_or(Reach::Own);
}

bool Network::parse(std::string_view text, Network &out, std::string &error) {
    std::string s(text);
    int bits = -1;
    size_t slash = s.find('/');
    if (slash != std::string::npos) {
        std::string len = s.substr(slash + 1);
        s.resize(slash);
        if (len.empty() || len.size() > 3 ||
            len.find_first_not_of("0123456789") != std::string::npos) {
            error = "'" + std::string(text) + "': the prefix length after '/' must be a number";
            return false;
        }
        bits = std::stoi(len);
    }
    if (s.size() > 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
    Network n;
    if (inet_pton(AF_INET, s.c_str(), n.addr) == 1) {
        n.family = AF_INET;
        if (bits < 0) bits = 32;
        if (bits > 32) {
            error = "'" + std::string(text) + "': an IPv4 prefix is at most /32";
            return false;
        }
    } else if (inet_pton(AF_INET6, s.c_str(), n.addr) == 1) {
        n.family = AF_INET6;
        if (bits < 0) bits = 128;
        if (bits > 128) {
            error = "'" + std::string(text) + "': an IPv6 prefix is at most /128";
            return false;
        }
    } else {
        error = "'" + std::string(text) +
                "' is not an IP address or network (192.0.2.10, 192.0.2.0/24)";
        return false;
    }
    n.bits = bits;
    // Host bits are cleared: 192.0.2.7/24 is the network 192.0.2.0/24.
    const int size = n.family == AF_INET ? 4 : 16;
    for (int i = 0; i < size; ++i) {
        int keep = bits - i * 8;
        if (keep >= 8) continue;
        n.addr[i] &= keep <= 0 ? 0 : static_cast<uint8_t>(0xff << (8 - keep));
    }
    out = n;
    return true;
}

bool Network::contains(const uint8_t *a, int fam) const {
    if (fam != family) return false;
    int full = bits / 8, rest = bits % 8;
    if (std::memcmp(a, addr, static_cast<size_t>(full)) != 0) return false;
    if (rest == 0) return true;
    uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
    return (a[full] & mask) == addr[full];
}

std::string Network::text() const {
    char buf[INET6_ADDRSTRLEN] = "";
    inet_ntop(family, addr, buf, sizeof buf);
    int host = family == AF_INET ? 32 : 128;
    return bits == host ? std::string(buf) : std::string(buf) + "/" + std::to_string(bits);
}

void PeerTable::add(const Network &net, Peer peer) {
    for (auto &e : entries_)
        if (e.net.family == net.family && e.net.bits == net.bits &&
            std::memcmp(e.net.addr, net.addr, sizeof net.addr) == 0) {
            e.peer = std::move(peer);
            return;
        }
    entries_.push_back({net, std::move(peer)});
}

const Peer *PeerTable::find(std::string_view ip) const {
    std::string s(ip);
    if (s.size() > 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
    uint8_t a[16] = {};
    int fam = 0;
    if (inet_pton(AF_INET, s.c_str(), a) == 1)
        fam = AF_INET;
    else if (inet_pton(AF_INET6, s.c_str(), a) == 1)
        fam = AF_INET6;
    else
        return nullptr;
    const Entry *best = nullptr;
    for (const auto &e : entries_)
        if (e.net.contains(a, fam) && (!best || e.net.bits > best->net.bits)) best = &e;
    return best ? &best->peer : nullptr;
}

}  // namespace vce::routing
