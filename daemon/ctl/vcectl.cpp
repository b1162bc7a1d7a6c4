// vcectl: sends one command to a running vced over its control socket.
#include <getopt.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "vce/Config.h"

namespace {

std::string default_socket(const std::string &confdir) {
    std::string sock = std::string(VCE_RUNDIR) + "/vced.ctl";
    try {
        vce::Config c = vce::Config::load(confdir + "/vced.conf");
        if (const vce::ConfigSection *g = c.section("general")) {
            sock = g->get("rundir", VCE_RUNDIR) + "/vced.ctl";
            sock = g->get("control_socket", sock);
        }
    } catch (const vce::ConfigError &) {
        // No readable vced.conf: fall back to the built-in default.
    }
    return sock;
}

std::string quote(const std::string &w) {
    if (w.find_first_of(" \t") == std::string::npos && !w.empty()) return w;
    return "\"" + w + "\"";
}

}  // namespace

int main(int argc, char **argv) {
    std::string confdir = VCE_SYSCONFDIR, sock;
    int c;
    while ((c = getopt(argc, argv, "+s:c:h")) != -1) {
        switch (c) {
            case 's':
                sock = optarg;
                break;
            case 'c':
                confdir = optarg;
                break;
            default:
                std::fprintf(c == 'h' ? stdout : stderr,
                             "usage: vcectl [-s SOCKET] [-c CONFDIR] COMMAND...   (vcectl help "
                             "lists commands)\n");
                return c == 'h' ? 0 : 2;
        }
    }
    if (optind >= argc) {
        std::fprintf(stderr, "usage: vcectl [-s SOCKET] [-c CONFDIR] COMMAND...\n");
        return 2;
    }
    if (sock.empty()) sock = default_socket(confdir);
    std::string line;
    for (int i = optind; i < argc; ++i) line += (line.empty() ? "" : " ") + quote(argv[i]);
    line += "\n";

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    std::snprintf(sun.sun_path, sizeof sun.sun_path, "%s", sock.c_str());
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr *>(&sun), sizeof sun) != 0) {
        int err = errno;
        if (err == ENOENT || err == ECONNREFUSED)
            std::fprintf(stderr, "vcectl: vced is not running (no daemon listening on %s)\n",
                         sock.c_str());
        else
            std::fprintf(stderr, "vcectl: cannot connect to %s: %s\n", sock.c_str(),
                         std::strerror(err));
        return 3;
    }
    if (write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
        std::fprintf(stderr, "vcectl: cannot send the command: %s\n", std::strerror(errno));
        return 3;
    }
    std::string reply;
    char buf[8192];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) reply.append(buf, n);
    close(fd);
    size_t nl = reply.find('\n');
    if (nl == std::string::npos) {
        std::fprintf(stderr, "vcectl: vced closed the connection without an answer\n");
        return 3;
    }
    int status = std::atoi(reply.substr(0, nl).c_str());
    std::fputs(reply.c_str() + nl + 1, status ? stderr : stdout);
    return status;
}
