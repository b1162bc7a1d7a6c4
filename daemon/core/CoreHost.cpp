// vce::Host for the daemon.
#include "core/CoreHost.h"

#include <cstring>

#include "vce/Log.h"

namespace vce {

CoreHost::CoreHost(event_base *base, std::string confdir, std::string statedir, std::string node,
                   Config vced_conf)
    : base_(base),
      confdir_(std::move(confdir)),
      statedir_(std::move(statedir)),
      node_(std::move(node)),
      vced_conf_(std::move(vced_conf)) {
    post_ev_ = event_new(base_, posted_.fd(), EV_READ | EV_PERSIST, &CoreHost::on_posted, this);
    event_add(post_ev_, nullptr);
}

CoreHost::~CoreHost() {
    event_free(post_ev_);
}

void CoreHost::post(std::function<void()> fn) {
    if (!posted_.post(std::move(fn))) VCE_LOG_DEBUG("core: work posted after shutdown dropped");
}

void CoreHost::on_posted(evutil_socket_t, short, void *arg) {
    static_cast<CoreHost *>(arg)->posted_.drain();
}

Config CoreHost::config(const std::string &file) const {
    return Config::load(confdir_ + "/" + file);
}

const ConfigSection &CoreHost::general() const {
    static const ConfigSection empty;
    const ConfigSection *s = vced_conf_.section("general");
    return s ? *s : empty;
}

void CoreHost::register_cli(const CliCommand &cmd) {
    cli_[cmd.words] = cmd;
}
void CoreHost::unregister_cli(const std::string &words) {
    cli_.erase(words);
}

std::vector<CliCommand> CoreHost::commands() const {
    std::vector<CliCommand> out;
    for (const auto &[w, c] : cli_) out.push_back(c);
    return out;
}

void CoreHost::dispatch(std::vector<std::string> words, CliRequest::Sink sink) {
    // Longest registered word sequence that prefixes the request wins.
    const CliCommand *best = nullptr;
    size_t best_len = 0;
    for (const auto &[key, cmd] : cli_) {
        std::vector<std::string> kw = split_command(key);
        if (kw.size() > words.size() || kw.size() <= best_len) continue;
        if (std::equal(kw.begin(), kw.end(), words.begin())) {
            best = &cmd;
            best_len = kw.size();
        }
    }
    if (!best) {
        std::string line;
        for (const auto &w : words) line += (line.empty() ? "" : " ") + w;
        sink(2, "No such command '" + line + "' (try 'help')\n");
        return;
    }
    auto req = std::make_shared<CliRequest>(
        std::vector<std::string>(words.begin() + best_len, words.end()), std::move(sink));
    CliHandler handler = best->handler;  // the handler may unregister itself
    try {
        handler(req);
    } catch (const std::exception &e) {
        req->reply(1, std::string("error: ") + e.what() + "\n");
    }
}

bool CoreHost::provide_raw(const std::string &name, const char *type, void *svc) {
    std::lock_guard<std::mutex> lock(services_mutex_);
    if (services_.count(name)) return false;
    services_[name] = {type, svc};
    return true;
}

void *CoreHost::service_raw(const std::string &name, const char *type) const {
    std::lock_guard<std::mutex> lock(services_mutex_);
    auto it = services_.find(name);
    if (it == services_.end()) return nullptr;
    if (it->second.type != type) {
        VCE_LOG_ERROR("service %s has type %s, asked for %s", name.c_str(), it->second.type.c_str(),
                      type);
        return nullptr;
    }
    return it->second.ptr;
}

std::vector<std::string> CoreHost::service_names() const {
    std::lock_guard<std::mutex> lock(services_mutex_);
    std::vector<std::string> out;
    for (const auto &[name, svc] : services_) out.push_back(name);
    return out;
}

void CoreHost::withdraw(const std::string &name) {
    std::lock_guard<std::mutex> lock(services_mutex_);
    services_.erase(name);
}

void CoreHost::request_shutdown() {
    if (shutdown_) shutdown_();
}

std::vector<std::string> split_command(const std::string &line) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false, have = false;
    for (char ch : line) {
        if (ch == '"') {
            quoted = !quoted;
            have = true;
        } else if (!quoted && (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r')) {
            if (have) out.push_back(cur);
            cur.clear();
            have = false;
        } else {
            cur += ch;
            have = true;
        }
    }
    if (have) out.push_back(cur);
    return out;
}

}  // namespace vce
