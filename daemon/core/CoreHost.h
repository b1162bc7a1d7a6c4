// The daemon's implementation of vce::Host: loop, post queue, CLI table, services.
#pragma once

#include <event2/event.h>

#include <map>
#include <mutex>
#include <vector>

#include "vce/Host.h"
#include "vce/WorkQueue.h"

namespace vce {

class CoreHost : public Host {
public:
    CoreHost(event_base *base, std::string confdir, std::string statedir, std::string node,
             Config vced_conf);
    ~CoreHost() override;

    event_base *loop() override { return base_; }
    void post(std::function<void()> fn) override;
    const std::string &confdir() const override { return confdir_; }
    Config config(const std::string &file) const override;
    const ConfigSection &general() const override;
    const std::string &statedir() const override { return statedir_; }
    const std::string &node() const override { return node_; }
    void register_cli(const CliCommand &cmd) override;
    void unregister_cli(const std::string &words) override;
    void withdraw(const std::string &name) override;
    void request_shutdown() override;

    // Runs a command line (already split into words); unknown commands get status 2.
    void dispatch(std::vector<std::string> words, CliRequest::Sink sink);
    std::vector<CliCommand> commands() const;
    std::vector<std::string> service_names() const;
    void set_vced_conf(Config c) { vced_conf_ = std::move(c); }
    void set_shutdown_hook(std::function<void()> fn) { shutdown_ = std::move(fn); }
    // Shutdown: run_posts() completes what is queued while the modules still exist;
    // close_posts() after they are unloaded drops (unrun) what they left and refuses more.
    void run_posts() { posted_.drain(); }
    void close_posts() { posted_.close(); }

protected:
    bool provide_raw(const std::string &name, const char *type, void *svc) override;
    void *service_raw(const std::string &name, const char *type) const override;

private:
    static void on_posted(evutil_socket_t, short, void *arg);
    event_base *base_;
    WorkQueue posted_;
    event *post_ev_;
    std::string confdir_, statedir_, node_;
    Config vced_conf_;
    std::map<std::string, CliCommand> cli_;
    struct Service {
        std::string type;
        void *ptr;
    };
    mutable std::mutex services_mutex_;  // service() is called from SIP and TDM threads
    std::map<std::string, Service> services_;
    std::function<void()> shutdown_;
};

// Splits a command line into words; "double quotes" group words.
std::vector<std::string> split_command(const std::string &line);

}  // namespace vce
