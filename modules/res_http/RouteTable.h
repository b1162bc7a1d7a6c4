// Which handler serves a request: exact paths and path prefixes per method; pure.
#pragma once

#include <string>
#include <vector>

namespace vce::http {

enum class RouteMatch { Found, NotFound, MethodNotAllowed };

// Handler is whatever the server calls; the table only stores and finds it.
template <class Handler>
class RouteTable {
public:
    // path "/shop" matches exactly; a path ending in '/' ("/static/") matches as a prefix
    // (longest prefix wins; an exact path wins over a prefix).
    void add(const std::string &method, const std::string &path, Handler h) {
        routes_.push_back({method, path, std::move(h)});
    }

    RouteMatch find(const std::string &method, const std::string &path, Handler *out,
                    std::string *allowed = nullptr) const {
        const Route *best = nullptr;
        bool path_known = false;
        std::string allow;
        for (const auto &r : routes_) {
            if (!matches(r.path, path)) continue;
            // Only routes as specific as the best path match say which methods are allowed.
            path_known = true;
            if (r.method != method) {
                if (allow.find(r.method) == std::string::npos)
                    allow += (allow.empty() ? "" : ", ") + r.method;
                continue;
            }
            if (!best || specificity(r.path, path) > specificity(best->path, path)) best = &r;
        }
        if (best) {
            if (out) *out = best->handler;
            return RouteMatch::Found;
        }
        if (allowed) *allowed = allow;
        return path_known ? RouteMatch::MethodNotAllowed : RouteMatch::NotFound;
    }

private:
    struct Route {
        std::string method;
        std::string path;
        Handler handler;
    };
    static bool matches(const std::string &route, const std::string &path) {
        if (!route.empty() && route.back() == '/' && route.size() > 1)
            return path.compare(0, route.size(), route) == 0;
        return route == path;
    }
    // Exact beats any prefix; a longer prefix beats a shorter one.
    static size_t specificity(const std::string &route, const std::string &path) {
        return route == path ? 100000 : route.size();
    }
    std::vector<Route> routes_;
};

}  // namespace vce::http
