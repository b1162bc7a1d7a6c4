// Control socket server (libevent bufferevents on a unix stream socket).
#include "core/ControlServer.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <set>
#include <stdexcept>

#include "core/CoreHost.h"
#include "vce/Log.h"

namespace vce {

namespace {

// One client connection; lives until its reply is flushed or the client goes away.
struct Session {
    CoreHost *host;
    bufferevent *bev;
    std::set<void *> *registry;
    std::shared_ptr<bool> alive = std::make_shared<bool>(true);
    bool replied = false;
    ~Session() {
        registry->erase(this);
        *alive = false;
        bufferevent_free(bev);
    }
};

void on_write(bufferevent *bev, void *arg) {
    auto *s = static_cast<Session *>(arg);
    if (s->replied && evbuffer_get_length(bufferevent_get_output(bev)) == 0) delete s;
}

void on_event(bufferevent *, short what, void *arg) {
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) delete static_cast<Session *>(arg);
}

void on_read(bufferevent *bev, void *arg) {
    auto *s = static_cast<Session *>(arg);
    evbuffer *in = bufferevent_get_input(bev);
    if (s->replied) {
        evbuffer_drain(in, evbuffer_get_length(in));
        return;
    }
    size_t len = 0;
    char *line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF);
    if (!line) {
        if (evbuffer_get_length(in) > 65536) delete s;  // no newline in 64 KiB: not a vcectl
        return;
    }
    std::string text(line, len);
    free(line);
    s->replied = true;
    bufferevent_disable(bev, EV_READ);
    std::weak_ptr<bool> alive = s->alive;
    s->host->dispatch(split_command(text), [s, alive](int status, const std::string &reply) {
        if (alive.expired() || !*alive.lock()) return;  // client left before the answer
        std::string out = std::to_string(status) + "\n" + reply;
        bufferevent_write(s->bev, out.data(), out.size());
    });
}

}  // namespace

ControlServer::ControlServer(CoreHost &host, const std::string &path) : host_(host), path_(path) {
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    if (path.size() >= sizeof sun.sun_path)
        throw std::runtime_error("control socket path too long: " + path);
    std::strcpy(sun.sun_path, path.c_str());
    unlink(path.c_str());
    mode_t old = umask(0117);  // socket created as 0660
    listener_ = evconnlistener_new_bind(host.loop(), &ControlServer::on_accept, this,
                                        LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16,
                                        reinterpret_cast<sockaddr *>(&sun), sizeof sun);
    int err = errno;
    umask(old);
    if (!listener_)
        throw std::runtime_error("cannot listen on control socket " + path + ": " +
                                 std::strerror(err));
    chmod(path.c_str(), 0660);
}

ControlServer::~ControlServer() {
    if (listener_) evconnlistener_free(listener_);
    while (!sessions_.empty()) {
        auto *s = static_cast<Session *>(*sessions_.begin());
        // Answers already written (e.g. to "shutdown") still reach their client. The
        // bufferevent's output buffer is frozen at its front (copyout refuses), so peek.
        evbuffer *out = bufferevent_get_output(s->bev);
        evbuffer_iovec vec[8];
        int n = evbuffer_peek(out, -1, nullptr, vec, 8);
        for (int i = 0; i < n && i < 8; ++i)
            (void)!send(bufferevent_getfd(s->bev), vec[i].iov_base, vec[i].iov_len, MSG_NOSIGNAL);
        delete s;
    }
    unlink(path_.c_str());
}

void ControlServer::on_accept(evconnlistener *, evutil_socket_t fd, sockaddr *, int, void *arg) {
    auto *self = static_cast<ControlServer *>(arg);
    bufferevent *bev = bufferevent_socket_new(self->host_.loop(), fd, BEV_OPT_CLOSE_ON_FREE);
    auto *s = new Session{&self->host_, bev, &self->sessions_};
    self->sessions_.insert(s);
    bufferevent_setcb(bev, on_read, on_write, on_event, s);
    bufferevent_enable(bev, EV_READ | EV_WRITE);
}

}  // namespace vce
