// The unix control socket vcectl talks to: one request line in, "<status>\n<text>" out.
#pragma once

#include <event2/listener.h>

#include <set>
#include <string>

namespace vce {

class CoreHost;

class ControlServer {
public:
    // Binds path (mode 0660, an old socket file is replaced); throws std::runtime_error.
    ControlServer(CoreHost &host, const std::string &path);
    ~ControlServer();
    ControlServer(const ControlServer &) = delete;
    ControlServer &operator=(const ControlServer &) = delete;

private:
    static void on_accept(evconnlistener *, evutil_socket_t fd, sockaddr *, int, void *arg);
    CoreHost &host_;
    std::string path_;
    evconnlistener *listener_ = nullptr;
    std::set<void *> sessions_;  // open client connections, freed with the server
};

}  // namespace vce
