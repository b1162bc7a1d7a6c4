// The Call-ID steering program and the SO_REUSEPORT bind wrapper, on real kernel sockets:
// every message of one Call-ID reaches the same socket of the group (INVITE, its CANCEL,
// BYE, whatever their length), different Call-IDs spread over the group, and messages
// without a findable Call-ID stay with one socket per source.
#include <arpa/inet.h>
#include <cppunit/extensions/HelperMacros.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "modules/chan_sip/CallIdSteering.h"
#include "vce/ReusePort.h"

namespace {

sockaddr_in loopback(int port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

int free_udp_port() {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a = loopback(0);
    bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    close(fd);
    return ntohs(a.sin_port);
}

// A group of `n` UDP sockets on one port, joined through the bind wrapper.
struct Group {
    std::vector<int> fds;
    int port = 0;
    explicit Group(unsigned n) {
        port = free_udp_port();
        vce::net::reuseport_expect("127.0.0.1", port, {vce::sip::call_id_steering(n)});
        for (unsigned i = 0; i < n; ++i) {
            int fd = socket(AF_INET, SOCK_DGRAM, 0);
            sockaddr_in a = loopback(port);
            if (bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
                close(fd);
                continue;
            }
            fds.push_back(fd);
        }
        vce::net::reuseport_forget("127.0.0.1", port);
    }
    ~Group() {
        for (int fd : fds) close(fd);
    }
    // Sends one datagram from `from` and returns the index of the socket that got it (-1: none).
    int deliver(int from, const std::string &msg) {
        sockaddr_in to = loopback(port);
        sendto(from, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr *>(&to), sizeof to);
        std::vector<pollfd> p;
        for (int fd : fds) p.push_back({fd, POLLIN, 0});
        if (poll(p.data(), p.size(), 1000) <= 0) return -1;
        for (size_t i = 0; i < p.size(); ++i)
            if (p[i].revents & POLLIN) {
                char buf[4096];
                recv(fds[i], buf, sizeof buf, 0);
                return static_cast<int>(i);
            }
        return -1;
    }
};

std::string request(const std::string &method, const std::string &call_id,
                    const std::string &extra = "") {
    return method +
           " sip:2000000@127.0.0.1:5060 SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-" +
           call_id +
           "\r\n"
           "From: <sip:1000000@127.0.0.1>;tag=1\r\nTo: <sip:2000000@127.0.0.1>\r\n" +
           extra + "Call-ID: " + call_id + "\r\nCSeq: 1 " + method +
           "\r\nContent-Length: 0\r\n\r\n";
}

}  // namespace

class CallIdSteeringTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CallIdSteeringTest);
    CPPUNIT_TEST(program_fits_the_kernel_limit);
    CPPUNIT_TEST(one_call_one_socket_and_calls_spread);
    CPPUNIT_TEST(without_call_id_stays_per_source);
    CPPUNIT_TEST_SUITE_END();

public:
    void program_fits_the_kernel_limit() {
        CPPUNIT_ASSERT(vce::sip::call_id_steering(2).size() <= 4096);
        // The default scan is one this kernel accepts (a refusal would only be a warning).
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
        sockaddr_in a = loopback(0);
        bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
        auto p = vce::sip::call_id_steering(2);
        sock_fprog prog{static_cast<unsigned short>(p.size()), p.data()};
        CPPUNIT_ASSERT_EQUAL(
            0, setsockopt(fd, SOL_SOCKET, 51 /* SO_ATTACH_REUSEPORT_CBPF */, &prog, sizeof prog));
        close(fd);
        CPPUNIT_ASSERT(vce::sip::call_id_steering(16, 670).size() <= 4096);
        CPPUNIT_ASSERT_THROW(vce::sip::call_id_steering(0), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(vce::sip::call_id_steering(2, 700), std::invalid_argument);
    }

    void one_call_one_socket_and_calls_spread() {
        Group g(2);
        CPPUNIT_ASSERT_EQUAL(size_t(2), g.fds.size());  // the wrapper set SO_REUSEPORT
        int from = socket(AF_INET, SOCK_DGRAM, 0);
        std::map<int, int> per_socket;
        for (int i = 0; i < 200; ++i) {
            std::string id = std::to_string(i + 1) + "-4711@127.0.0.1";
            int invite =
                g.deliver(from, request("INVITE", id, "Contact: <sip:1000000@127.0.0.1:5090>\r\n"));
            CPPUNIT_ASSERT(invite >= 0);
            // CANCEL and BYE: other first line, other length, same Call-ID.
            CPPUNIT_ASSERT_EQUAL(invite, g.deliver(from, request("CANCEL", id)));
            CPPUNIT_ASSERT_EQUAL(
                invite, g.deliver(from, request("BYE", id, "Route: <sip:127.0.0.1:5061;lr>\r\n")));
            CPPUNIT_ASSERT_EQUAL(
                invite, g.deliver(from, request("INVITE", id,
                                                "Contact: <sip:1000000@127.0.0.1:5090>\r\n")));
            ++per_socket[invite];
        }
        close(from);
        // One source, 200 calls: both threads get a fair share.
        CPPUNIT_ASSERT(per_socket[0] >= 60);
        CPPUNIT_ASSERT(per_socket[1] >= 60);
    }

    void without_call_id_stays_per_source() {
        Group g(3);
        CPPUNIT_ASSERT_EQUAL(size_t(3), g.fds.size());
        int from = socket(AF_INET, SOCK_DGRAM, 0);
        // Compact form (i:) and a Call-ID after the scanned bytes: the kernel's hash of the
        // addresses decides, the same for every message from this source.
        std::string compact = "OPTIONS sip:127.0.0.1 SIP/2.0\r\ni: abc\r\nCSeq: 1 OPTIONS\r\n\r\n";
        std::string late = request("MESSAGE", "late-1", "X-Pad: " + std::string(900, 'x') + "\r\n");
        int first = g.deliver(from, late);
        CPPUNIT_ASSERT(first >= 0);
        for (int i = 0; i < 5; ++i) CPPUNIT_ASSERT_EQUAL(first, g.deliver(from, late));
        int c = g.deliver(from, compact);
        CPPUNIT_ASSERT(c >= 0);
        for (int i = 0; i < 5; ++i) CPPUNIT_ASSERT_EQUAL(c, g.deliver(from, compact));
        close(from);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CallIdSteeringTest);
