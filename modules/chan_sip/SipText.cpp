// SIP text helpers.
#include "SipText.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sofia-sip/msg.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su.h>
#include <strings.h>

#include <cctype>
#include <cstring>
#include <sstream>

namespace vce::sip {

static std::string unquote(const char *v) {
    std::string s = v;
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    return s;
}

std::string param(msg_param_t const *params, const char *name) {
    size_t n = std::strlen(name);
    for (; params && *params; ++params)
        if (strncasecmp(*params, name, n) == 0 && (*params)[n] == '=')
            return unquote(*params + n + 1);
    return "";
}

std::vector<DigestChallenge> digest_challenges(msg_auth_t const *au) {
    std::vector<DigestChallenge> out;
    for (; au; au = au->au_next)
        if (au->au_scheme && strcasecmp(au->au_scheme, "Digest") == 0)
            out.push_back(DigestChallenge::from_params(params_of(au->au_params)));
    return out;
}

std::map<std::string, std::string> params_of(msg_param_t const *params) {
    std::map<std::string, std::string> out;
    for (; params && *params; ++params) {
        const char *eq = std::strchr(*params, '=');
        if (!eq) continue;
        std::string key(*params, static_cast<size_t>(eq - *params));
        for (auto &c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out[key] = unquote(eq + 1);
    }
    return out;
}

std::string unescape_user(const char *user) {
    std::string out;
    if (!user) return out;
    for (const char *p = user; *p; ++p) {
        if (*p == '%' && std::isxdigit(static_cast<unsigned char>(p[1])) &&
            std::isxdigit(static_cast<unsigned char>(p[2]))) {
            char hex[3] = {p[1], p[2], 0};
            out += static_cast<char>(std::strtol(hex, nullptr, 16));
            p += 2;
        } else {
            out += *p;
        }
    }
    return out;
}

std::string printable(const std::string &s) {
    std::string out;
    for (char c : s) {
        if (out.size() >= 64) break;
        out += std::isprint(static_cast<unsigned char>(c)) && c != ' ' ? c : '?';
    }
    return out;
}

std::vector<std::string> split_list(const std::string &text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    for (std::string item; std::getline(ss, item, ',');) {
        while (!item.empty() && item.front() == ' ') item.erase(0, 1);
        while (!item.empty() && item.back() == ' ') item.pop_back();
        if (!item.empty()) out.push_back(item);
    }
    return out;
}

bool is_ip_address(const std::string &host) {
    in_addr a4;
    in6_addr a6;
    return inet_pton(AF_INET, host.c_str(), &a4) == 1 ||
           inet_pton(AF_INET6, host.c_str(), &a6) == 1;
}

std::string uri_host(const std::string &in) {
    std::string s = in;
    size_t lt = s.find('<');
    if (lt != std::string::npos) s = s.substr(lt + 1);
    for (const char *scheme : {"sips:", "sip:"})
        if (strncasecmp(s.c_str(), scheme, std::strlen(scheme)) == 0) {
            s = s.substr(std::strlen(scheme));
            break;
        }
    size_t at = s.find('@');
    if (at != std::string::npos) s = s.substr(at + 1);
    std::string host;
    if (!s.empty() && s.front() == '[') {
        size_t close = s.find(']');
        host = s.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    } else {
        host = s.substr(0, s.find_first_of(":;>?/ "));
    }
    for (char &c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return host;
}

std::string uri_transport(const std::string &in) {
    std::string s = in.substr(in.find('<') == std::string::npos ? 0 : in.find('<') + 1);
    for (char &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    s = s.substr(0, s.find('>'));
    if (s.rfind("sips:", 0) == 0 || s.find(";transport=tls") != std::string::npos) return "tls";
    if (s.find(";transport=tcp") != std::string::npos) return "tcp";
    return "udp";
}

std::string url_host(const url_t *url) {
    return url && url->url_host ? uri_host(std::string("sip:") + url->url_host) : std::string();
}

msg_t *copy_response(nta_outgoing_t *orq, std::string *source) {
    msg_t *ref = nta_outgoing_getresponse(orq);
    msg_t *copy = ref ? msg_dup(ref) : nullptr;
    if (source) *source = ref ? source_of(ref) : "";
    if (ref) msg_destroy(ref);
    return copy;
}

bool peer_of(msg_t *msg, std::string &ip, int &port) {
    su_sockaddr_t su;
    socklen_t len = sizeof su;
    if (!msg || msg_get_address(msg, &su, &len) != 0) return false;
    char buf[64] = "";
    su_inet_ntop(su.su_family, SU_ADDR(&su), buf, sizeof buf);
    if (!buf[0]) return false;
    ip = buf;
    port = ntohs(su.su_port);
    return true;
}

std::string source_of(msg_t *msg) {
    std::string ip;
    int port = 0;
    return peer_of(msg, ip, port) ? ip + ":" + std::to_string(port) : "";
}

bool fix_nated_contact(msg_t *msg, const std::string &source) {
    sip_t *sip = sip_object(msg);
    size_t colon = source.rfind(':');
    if (!sip || !sip->sip_contact || !sip->sip_contact->m_url->url_host ||
        colon == std::string::npos)
        return false;
    url_t *u = sip->sip_contact->m_url;
    std::string ip = source.substr(0, colon), port = source.substr(colon + 1);
    if (ip == u->url_host && port == (u->url_port ? u->url_port : "5060")) return false;
    u->url_host = su_strdup(msg_home(msg), ip.c_str());
    u->url_port = su_strdup(msg_home(msg), port.c_str());
    // The header is encoded again from its fields when the message is sent.
    msg_fragment_clear(sip->sip_contact->m_common);
    return true;
}

}  // namespace vce::sip
