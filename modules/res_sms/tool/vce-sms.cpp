// vce-sms: a framed terminal on the command line (send a message, listen for messages, send
// raw bytes), speaking VSMS/1 to res_sms's framed port. Used by the tests; see ../README.md.
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <string>

#include "modules/res_sms/Digest.h"
#include "modules/res_sms/Frame.h"

using namespace vce::sms;

namespace {

const char kUsage[] =
    "usage: vce-sms [--server HOST:PORT] [--udp] COMMAND [options]\n"
    "  send   --from NUMBER --password PW --to NUMBER (--text TEXT | --body-file FILE)\n"
    "         [--content-type TYPE] [--id ID] [--wait SECONDS]\n"
    "         registers (Expires 0), sends, prints the REPORT; exit 0 delivered, 3 stored,\n"
    "         1 refused/expired/error\n"
    "  listen --number NUMBER --password PW [--expires SECONDS] [--terminal ID] [--count N]\n"
    "         [--save DIR] [--refuse] [--wait SECONDS] [--bind-port PORT] [--no-register]\n"
    "         [--quiet]\n"
    "         registers, prints each MESSAGE and reports it delivered (or refused);\n"
    "         --no-register: a terminal back at its old address (--bind-port) that only listens\n"
    "  raw    [--wait SECONDS]   sends stdin as is, prints the frames answered\n"
    "  bench  --from NUMBER --password PW --to NUMBER --rate PER_SECOND --seconds S\n"
    "         [--size BYTES]   sends at that rate, counts the REPORTs, prints one line:\n"
    "         sent= delivered= other= seconds= rate= pass=yes|no (all delivered, the last\n"
    "         report within a second of the last send)\n"
    "Every frame received is printed as one line: KIND Field=value ... Length=N\n";

struct Options {
    std::string server = "127.0.0.1:5070";
    bool udp = false;
    std::string command;
    std::map<std::string, std::string> opt;
    bool flag(const std::string &k) const { return opt.count(k) != 0; }
    std::string get(const std::string &k, const std::string &d = "") const {
        auto it = opt.find(k);
        return it == opt.end() ? d : it->second;
    }
};

[[noreturn]] void die(const std::string &why) {
    std::cerr << "vce-sms: " << why << "\n";
    exit(1);
}

class Connection {
public:
    Connection(const std::string &server, bool udp, int local_port = 0) : udp_(udp) {
        size_t colon = server.rfind(':');
        if (colon == std::string::npos) die("--server wants HOST:PORT, got " + server);
        addrinfo hints{}, *ai = nullptr;
        hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
        if (getaddrinfo(server.substr(0, colon).c_str(), server.substr(colon + 1).c_str(), &hints,
                        &ai) != 0 ||
            !ai)
            die("cannot resolve " + server);
        fd_ = socket(ai->ai_family, ai->ai_socktype, 0);
        if (fd_ >= 0 && local_port) {  // a terminal that comes back at the address it had
            int one = 1;
            setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
            sockaddr_in local{};
            local.sin_family = AF_INET;
            local.sin_port = htons(static_cast<uint16_t>(local_port));
            if (bind(fd_, reinterpret_cast<sockaddr *>(&local), sizeof local) != 0)
                die("cannot bind local port " + std::to_string(local_port) + ": " +
                    strerror(errno));
        }
        if (fd_ < 0 || connect(fd_, ai->ai_addr, ai->ai_addrlen) != 0)
            die("cannot connect to " + server + ": " + strerror(errno));
        freeaddrinfo(ai);
    }
    ~Connection() { close(fd_); }
    void write_bytes(const std::string &bytes) {
        if (udp_) {
            if (::send(fd_, bytes.data(), bytes.size(), 0) < 0)
                die(std::string("send: ") + strerror(errno));
            return;
        }
        for (size_t at = 0; at < bytes.size();) {
            ssize_t n = ::send(fd_, bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL);
            if (n <= 0) die(std::string("send: ") + strerror(errno));
            at += n;
        }
    }
    void write(const Frame &f) { write_bytes(encode(f)); }
    // The next frame, or nullopt after `seconds` without one (or when the server closed).
    std::optional<Frame> read(double seconds) {
        auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
        for (;;) {
            if (!buf_.empty()) {
                ParseResult r = parse(buf_, udp_ ? Framing::Datagram : Framing::Stream);
                if (r.state == ParseResult::Complete) {
                    buf_.erase(0, r.consumed);
                    return r.frame;
                }
                if (r.state == ParseResult::Invalid) {
                    std::cerr << "vce-sms: bad frame from the server: " << r.reason << "\n";
                    buf_.erase(0, r.consumed);
                    continue;
                }
            }
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                until - std::chrono::steady_clock::now());
            // A spent wait still looks once at what has arrived.
            pollfd p{fd_, POLLIN, 0};
            if (poll(&p, 1, std::max<int>(0, static_cast<int>(left.count()))) <= 0)
                return std::nullopt;
            char chunk[1 << 17];
            ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
            if (n <= 0) return std::nullopt;
            if (udp_) buf_.clear();  // one datagram, one frame
            buf_.append(chunk, n);
        }
    }

private:
    bool udp_;
    int fd_ = -1;
    std::string buf_;
};

std::string printable(const std::string &v) {
    std::string out;
    for (unsigned char c : v) out += (c >= ' ' && c < 0x7f) ? char(c) : '?';
    return out;
}

void print(const Frame &f) {
    std::string line = kind_name(f.kind);
    auto add = [&](const char *name, const std::string &v) {
        if (!v.empty()) line += std::string(" ") + name + "=" + printable(v);
    };
    add("Id", f.id);
    add("From", f.from);
    add("To", f.to);
    add("Content-Type", f.content_type);
    add("Status", f.status);
    add("Number", f.number);
    add("Expires", f.expires);
    add("Code", f.code);
    add("Reason", f.reason);
    line += " Length=" + std::to_string(f.body.size());
    std::cout << line << std::endl;
}

// REGISTER, answer the CHALLENGE with the digest; the REGISTERED frame, or exit 1.
void register_at(Connection &c, const std::string &number, const std::string &password,
                 const std::string &expires, const std::string &terminal = "") {
    Frame reg;
    reg.kind = Kind::Register;
    reg.number = number;
    reg.expires = expires;
    reg.terminal = terminal;
    c.write(reg);
    auto chal = c.read(5);
    if (!chal || chal->kind != Kind::Challenge) {
        if (chal) print(*chal);
        die("no CHALLENGE from the server");
    }
    reg.realm = chal->realm;
    reg.nonce = chal->nonce;
    reg.response = digest_response(digest_ha1(number, chal->realm, password), chal->nonce, number);
    c.write(reg);
    auto ok = c.read(5);
    if (ok) print(*ok);
    if (!ok || ok->kind != Kind::Registered) die("registration of " + number + " refused");
}

int send_message(const Options &o) {
    for (const char *k : {"from", "password", "to"})
        if (o.get(k).empty()) die(std::string("send needs --") + k);
    Connection c(o.server, o.udp);
    register_at(c, o.get("from"), o.get("password"), "0");
    Frame m;
    m.id = o.get("id", "m" + std::to_string(getpid()));
    m.from = o.get("from");
    m.to = o.get("to");
    m.content_type = o.get("content-type");
    if (o.flag("body-file")) {
        std::ifstream in(o.get("body-file"), std::ios::binary);
        if (!in) die("cannot read " + o.get("body-file"));
        m.body.assign(std::istreambuf_iterator<char>(in), {});
    } else {
        m.body = o.get("text");
    }
    c.write(m);
    double wait = std::stod(o.get("wait", "15"));
    while (auto f = c.read(wait)) {
        print(*f);
        if (f->kind == Kind::Error) return 1;
        if (f->kind == Kind::Report && f->id == m.id)
            return f->status == "delivered" ? 0 : f->status == "stored" ? 3 : 1;
    }
    std::cerr << "vce-sms: no report within " << wait << " s\n";
    return 1;
}

int listen_messages(const Options &o) {
    for (const char *k : {"number", "password"})
        if (o.get(k).empty()) die(std::string("listen needs --") + k);
    Connection c(o.server, o.udp, std::stoi(o.get("bind-port", "0")));
    if (!o.flag("no-register"))
        register_at(c, o.get("number"), o.get("password"), o.get("expires", "3600"),
                    o.get("terminal"));
    long count = std::stol(o.get("count", "0")), got = 0;
    double wait = std::stod(o.get("wait", "3600"));
    const bool quiet = o.flag("quiet");
    while (auto f = c.read(wait)) {
        if (!quiet) print(*f);
        if (f->kind != Kind::Message) continue;
        ++got;
        if (o.flag("save")) {
            std::ofstream out(o.get("save") + "/" + std::to_string(got) + ".body",
                              std::ios::binary);
            out.write(f->body.data(), f->body.size());
        }
        Frame r;
        r.kind = Kind::Report;
        r.id = f->id;
        r.status = o.flag("refuse") ? "refused" : "delivered";
        if (o.flag("refuse")) r.reason = "refused by vce-sms --refuse";
        c.write(r);
        if (count && got >= count) return 0;
    }
    return count ? 1 : 0;
}

// Messages at a fixed rate on one connection; the REPORTs counted as they come back.
int bench(const Options &o) {
    for (const char *k : {"from", "password", "to", "rate", "seconds"})
        if (o.get(k).empty()) die(std::string("bench needs --") + k);
    Connection c(o.server, o.udp);
    register_at(c, o.get("from"), o.get("password"), "0");
    const double rate = std::stod(o.get("rate")), seconds = std::stod(o.get("seconds"));
    const long total = static_cast<long>(rate * seconds);
    Frame m;
    m.from = o.get("from");
    m.to = o.get("to");
    m.body.assign(std::stoul(o.get("size", "20")), 'x');
    long sent = 0, delivered = 0, other = 0;
    auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    while (delivered + other < total && elapsed() < seconds + 5) {
        long due = std::min(total, static_cast<long>(elapsed() * rate) + 1);
        for (; sent < due; ++sent) {
            m.id = "b" + std::to_string(sent);
            c.write(m);
        }
        while (auto f = c.read(0.001)) {
            if (f->kind == Kind::Report && f->status == "delivered")
                ++delivered;
            else
                ++other;
        }
    }
    // Kept up: every message delivered, the last report at most a second after the last send.
    double took = elapsed();
    bool pass = delivered == total && took <= seconds + 1;
    std::cout << "sent=" << sent << " delivered=" << delivered << " other=" << other
              << " seconds=" << took << " rate=" << static_cast<long>(delivered / took)
              << " pass=" << (pass ? "yes" : "no") << std::endl;
    return pass ? 0 : 1;
}

int raw(const Options &o) {
    std::string bytes(std::istreambuf_iterator<char>(std::cin), {});
    Connection c(o.server, o.udp);
    c.write_bytes(bytes);
    double wait = std::stod(o.get("wait", "2"));
    while (auto f = c.read(wait)) print(*f);
    return 0;
}

}  // namespace

int main(int argc, char **argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "-h" || a == "--help") {
            std::cout << kUsage;
            return 0;
        }
        if (a.rfind("--", 0) == 0) {
            std::string key = a.substr(2);
            bool takes_value =
                key != "udp" && key != "refuse" && key != "no-register" && key != "quiet";
            if (takes_value && i + 1 >= argc) die(a + " needs a value");
            std::string value = takes_value ? argv[++i] : "1";
            if (key == "server")
                o.server = value;
            else if (key == "udp")
                o.udp = true;
            else
                o.opt[key] = value;
        } else if (o.command.empty()) {
            o.command = a;
        } else {
            die("unexpected argument " + a + "\n" + kUsage);
        }
    }
    try {
        if (o.command == "send") return send_message(o);
        if (o.command == "listen") return listen_messages(o);
        if (o.command == "raw") return raw(o);
        if (o.command == "bench") return bench(o);
    } catch (const std::exception &e) {  // std::stod / stol on a bad number
        die(std::string("bad option value: ") + e.what());
    }
    std::cerr << kUsage;
    return 1;
}
