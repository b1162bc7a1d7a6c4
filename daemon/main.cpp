// vced: the vce switch daemon. Parses the command line and runs the Daemon.
#include <getopt.h>

#include <cstdio>

#include "core/Daemon.h"

#ifdef HAVE_MIMALLOC
#include <mimalloc.h>
// The allocator vced runs with (-V says it). Naming a mimalloc function also keeps the
// library a dependency of vced (the linker drops unused libraries), and first in the list,
// so its malloc serves the whole process.
static const char *allocator() {
    static char name[32];
    int v = mi_version();
    std::snprintf(name, sizeof name, "mimalloc %d.%d.%d", v / 100, v / 10 % 10, v % 10);
    return name;
}
#else
static const char *allocator() {
    return "glibc malloc";
}
#endif

static void usage(FILE *out) {
    std::fprintf(out,
                 "usage: vced [-c CONFDIR] [-f] [-v]... [-m] [-V]\n"
                 "  -c CONFDIR  configuration directory (default %s)\n"
                 "  -f          stay in the foreground and log to stderr\n"
                 "  -v          more logging (repeat for more)\n"
                 "  -m          apply pending database migrations and exit\n"
                 "  -V          print the version and exit\n",
                 VCE_SYSCONFDIR);
}

int main(int argc, char **argv) {
    vce::DaemonOptions opts;
    int c;
    while ((c = getopt(argc, argv, "c:fvmVh")) != -1) {
        switch (c) {
            case 'c':
                opts.confdir = optarg;
                break;
            case 'f':
                opts.foreground = true;
                break;
            case 'v':
                ++opts.verbose;
                break;
            case 'm':
                opts.migrate_only = true;
                break;
            case 'V':
                std::printf("vced %s (%s)\n", PACKAGE_VERSION, allocator());
                return 0;
            case 'h':
                usage(stdout);
                return 0;
            default:
                usage(stderr);
                return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    vce::Daemon d(opts);
    return d.run();
}
