// The portal's HTTP listener on the core thread: evhttp, routing, security headers, counters.
#include "modules/res_http/HttpServer.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <sys/queue.h>

#include <stdexcept>

#include "vce/Log.h"

namespace vce::http {

namespace {

// What every answer carries. The CSP allows no inline script or style: every script and
// style sheet is a file vced serves itself.
const char *const kSecurityHeaders[][2] = {
    {"Content-Security-Policy",
     "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
     "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "same-origin"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
};

std::map<std::string, std::string> parse_pairs(const char *text) {
    std::map<std::string, std::string> out;
    if (!text || !*text) return out;
    evkeyvalq q;
    TAILQ_INIT(&q);
    if (evhttp_parse_query_str(text, &q) == 0) {
        // A repeated field (checkboxes of one name) keeps every value, comma-separated.
        for (evkeyval *kv = q.tqh_first; kv; kv = kv->next.tqe_next) {
            auto [it, fresh] = out.emplace(kv->key, kv->value);
            if (!fresh) it->second += std::string(",") + kv->value;
        }
    }
    evhttp_clear_headers(&q);
    return out;
}

std::map<std::string, std::string> parse_cookies(const char *header) {
    std::map<std::string, std::string> out;
    if (!header) return out;
    std::string h(header);
    size_t pos = 0;
    while (pos < h.size()) {
        size_t end = h.find(';', pos);
        if (end == std::string::npos) end = h.size();
        std::string part = h.substr(pos, end - pos);
        size_t b = part.find_first_not_of(' ');
        size_t eq = part.find('=');
        if (b != std::string::npos && eq != std::string::npos && eq > b)
            out[part.substr(b, eq - b)] = part.substr(eq + 1);
        pos = end + 1;
    }
    return out;
}

const char *method_name(evhttp_cmd_type t) {
    switch (t) {
        case EVHTTP_REQ_GET:
            return "GET";
        case EVHTTP_REQ_HEAD:
            return "GET";  // evhttp leaves out the body of a HEAD answer
        case EVHTTP_REQ_POST:
            return "POST";
        default:
            return "";
    }
}

}  // namespace

HttpReply text_reply(int status, const std::string &text) {
    HttpReply r;
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    r.body = text;
    return r;
}

HttpResponder::~HttpResponder() {
    if (!sent_) send(text_reply(500, "internal error: the page was not produced\n"));
}

void HttpResponder::send(const HttpReply &reply) {
    if (sent_) return;
    sent_ = true;
    auto server = server_.lock();
    if (server && *server) (*server)->send(req_, reply);
}

HttpServer::HttpServer(event_base *loop)
    : loop_(loop),
      http_(evhttp_new(loop), evhttp_free),
      self_(std::make_shared<HttpServer *>(this)) {
    if (!http_) throw std::runtime_error("evhttp_new failed");
    evhttp_set_allowed_methods(http_.get(), EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST);
    evhttp_set_max_headers_size(http_.get(), 16 * 1024);
    evhttp_set_max_body_size(http_.get(), 64 * 1024);
    evhttp_set_timeout(http_.get(), 30);
    evhttp_set_gencb(http_.get(), &HttpServer::on_request, this);
}

HttpServer::~HttpServer() {
    *self_ = nullptr;  // responders still held by pending work go quiet
    http_.reset();     // frees the listener, the connections and their requests
}

bool HttpServer::listen(const std::string &address, int port, std::string &error) {
    if (!evhttp_bind_socket_with_handle(http_.get(), address.c_str(),
                                        static_cast<uint16_t>(port))) {
        error = "cannot listen on " + address + ":" + std::to_string(port) +
                " (address in use, or not an IP address of this machine)";
        return false;
    }
    return true;
}

void HttpServer::route(const std::string &method, const std::string &path, HttpHandler h) {
    routes_.add(method, path, std::move(h));
}

void HttpServer::on_request(evhttp_request *req, void *self) {
    static_cast<HttpServer *>(self)->dispatch(req);
}

void HttpServer::dispatch(evhttp_request *req) {
    ++counters_.requests;
    auto responder = std::make_shared<HttpResponder>(req, std::weak_ptr<HttpServer *>(self_));
    HttpRequest r;
    r.method = method_name(evhttp_request_get_command(req));
    const evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri ? evhttp_uri_get_path(uri) : nullptr;
    r.path = path && *path ? path : "/";
    r.query = parse_pairs(uri ? evhttp_uri_get_query(uri) : nullptr);
    evkeyvalq *in = evhttp_request_get_input_headers(req);
    r.cookies = parse_cookies(evhttp_find_header(in, "Cookie"));
    if (evhttp_connection *conn = evhttp_request_get_connection(req)) {
        char *addr = nullptr;
        uint16_t port = 0;
        evhttp_connection_get_peer(conn, &addr, &port);
        if (addr) r.remote = addr;
    }
    if (r.method == "POST") {
        evbuffer *body = evhttp_request_get_input_buffer(req);
        size_t n = evbuffer_get_length(body);
        std::string text(n, '\0');
        if (n) evbuffer_copyout(body, text.data(), n);
        const char *ct = evhttp_find_header(in, "Content-Type");
        if (ct && std::string(ct).rfind("application/x-www-form-urlencoded", 0) == 0)
            r.form = parse_pairs(text.c_str());
    }
    HttpHandler handler;
    std::string allowed;
    switch (routes_.find(r.method, r.path, &handler, &allowed)) {
        case RouteMatch::Found:
            handler(r, responder);
            break;
        case RouteMatch::MethodNotAllowed: {
            HttpReply reply = text_reply(405, "method not allowed here; use " + allowed + "\n");
            reply.headers.push_back({"Allow", allowed});
            responder->send(reply);
            break;
        }
        case RouteMatch::NotFound:
            responder->send(text_reply(404, "no page at this address; start at /\n"));
            break;
    }
}

void HttpServer::send(evhttp_request *req, const HttpReply &reply) {
    int cls = reply.status / 100;
    if (cls >= 1 && cls <= 5) ++counters_.answers[cls];
    evkeyvalq *out = evhttp_request_get_output_headers(req);
    for (const auto &h : kSecurityHeaders) evhttp_add_header(out, h[0], h[1]);
    evhttp_add_header(out, "Content-Type", reply.content_type.c_str());
    evhttp_add_header(out, "Cache-Control", reply.cacheable ? "public, max-age=3600" : "no-store");
    for (const auto &h : reply.headers) evhttp_add_header(out, h.first.c_str(), h.second.c_str());
    std::unique_ptr<evbuffer, void (*)(evbuffer *)> body(evbuffer_new(), evbuffer_free);
    evbuffer_add(body.get(), reply.body.data(), reply.body.size());
    evhttp_send_reply(req, reply.status, nullptr, body.get());
}

}  // namespace vce::http
