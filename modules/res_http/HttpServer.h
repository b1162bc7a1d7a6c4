// The portal's HTTP listener: libevent's evhttp on the core thread's event_base (never a
// SIP thread), a route table, the security headers every answer carries, and counters of
// answers by class for /metrics.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "modules/res_http/HttpExchange.h"
#include "modules/res_http/RouteTable.h"

struct event_base;
struct evhttp;
struct evhttp_request;

namespace vce::http {

using HttpHandler = std::function<void(const HttpRequest &, Responder)>;

struct HttpCounters {
    unsigned long answers[6] = {0, 0, 0, 0, 0, 0};  // by class: [2] = 2xx ... [5] = 5xx
    unsigned long requests = 0;
};

class HttpServer {
public:
    explicit HttpServer(event_base *loop);
    ~HttpServer();  // closes the listener and every connection; pending responders go quiet
    HttpServer(const HttpServer &) = delete;
    HttpServer &operator=(const HttpServer &) = delete;

    // Binds address:port (an IP address, no name lookup); false with `error` set.
    bool listen(const std::string &address, int port, std::string &error);
    void route(const std::string &method, const std::string &path, HttpHandler h);
    const HttpCounters &counters() const { return counters_; }

    // Called by HttpResponder::send(): adds the security headers and counts the answer.
    void send(evhttp_request *req, const HttpReply &reply);

private:
    static void on_request(evhttp_request *req, void *self);
    void dispatch(evhttp_request *req);

    event_base *loop_;
    std::unique_ptr<evhttp, void (*)(evhttp *)> http_;
    RouteTable<HttpHandler> routes_;
    HttpCounters counters_;
    // Responders hold a weak reference: expired once the server is gone.
    std::shared_ptr<HttpServer *> self_;
};

// A plain-text answer ("not found", "method not allowed", errors of /healthz).
HttpReply text_reply(int status, const std::string &text);

}  // namespace vce::http
