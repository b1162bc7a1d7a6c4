// One HTTP request as values, and the reply a handler gives; the responder sends that reply
// on the core thread (the thread of the portal's evhttp), at most once.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

struct evhttp_request;

namespace vce::http {

struct HttpRequest {
    std::string method;                        // GET (also for HEAD), POST
    std::string path;                          // as sent, not percent-decoded
    std::string remote;                        // peer address, for throttling and logs
    std::map<std::string, std::string> query;  // decoded query string
    std::map<std::string, std::string> form;   // decoded urlencoded POST body
    std::map<std::string, std::string> cookies;
};

struct HttpReply {
    int status = 200;
    std::string content_type = "text/html; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // besides the security headers
    bool cacheable = false;  // static files: may be cached for an hour; pages: no-store
};

class HttpServer;

// Core thread only. Held by a handler until it answers (possibly after a database round
// trip); if the server is gone by then, send() does nothing. Dropped unanswered, it sends
// a 500 so no browser waits for ever.
class HttpResponder {
public:
    HttpResponder(evhttp_request *req, std::weak_ptr<HttpServer *> server)
        : req_(req), server_(std::move(server)) {}
    ~HttpResponder();
    HttpResponder(const HttpResponder &) = delete;
    HttpResponder &operator=(const HttpResponder &) = delete;

    void send(const HttpReply &reply);
    bool sent() const { return sent_; }

private:
    evhttp_request *req_;
    std::weak_ptr<HttpServer *> server_;
    bool sent_ = false;
};

using Responder = std::shared_ptr<HttpResponder>;

}  // namespace vce::http
