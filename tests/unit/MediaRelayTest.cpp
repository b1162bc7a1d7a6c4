// Tests of the media relay: latching from tables, the SDP rewrite from tables, the port range,
// and vced's relay on real loopback sockets (127.0.1.x, ports 40900-40999): media both ways,
// RTP bleed dropped and counted, a NAT'd party latched only by a stream that proves itself,
// ports freed when the call ends.
#include <arpa/inet.h>
#include <cppunit/extensions/HelperMacros.h>
#include <poll.h>

#include <chrono>
#include <thread>

#include "daemon/media/MediaEndpoint.h"
#include "daemon/media/MediaRelay.h"
#include "daemon/media/PortRange.h"
#include "daemon/media/RtpLatch.h"
#include "daemon/media/RtpPacket.h"
#include "daemon/media/SdpRelayRewrite.h"

using namespace vce::media;

namespace {

MediaAddr addr(uint32_t ip, uint16_t port) {
    return MediaAddr{ip, port};
}
constexpr uint32_t kPhone = 0xC0000201;     // 192.0.2.1
constexpr uint32_t kNat = 0xC6336401;       // 198.51.100.1, the phone's NAT
constexpr uint32_t kAttacker = 0xCB007163;  // 203.0.113.99

std::optional<RtpLatch::RtpIds> ids(uint32_t ssrc, uint16_t seq) {
    return RtpLatch::RtpIds{ssrc, seq};
}

std::string sdp(const std::string &ip, int port, const std::string &extra = "") {
    return "v=0\r\no=- 1 1 IN IP4 " + ip + "\r\ns=-\r\nc=IN IP4 " + ip + "\r\nt=0 0\r\nm=audio " +
           std::to_string(port) + " RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\n" + extra;
}

sockaddr_in sock(const std::string &ip, uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
    return a;
}

void send_rtp(UdpSocket &s, const std::string &ip, uint16_t port, uint32_t ssrc, uint16_t seq) {
    RtpHeader h;
    h.ssrc = ssrc;
    h.sequence = seq;
    h.timestamp = seq * 160u;
    uint8_t payload[160] = {0xff}, out[256];
    const std::size_t n = writeRtp(h, payload, sizeof payload, out, sizeof out);
    s.sendTo(out, n, sock(ip, port));
}

// The RTP packets `s` receives within `ms` (their SSRCs), and where from.
std::vector<uint32_t> receive_all(UdpSocket &s, int ms, sockaddr_in *from = nullptr) {
    std::vector<uint32_t> got;
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < end) {
        pollfd p{s.fd(), POLLIN, 0};
        if (poll(&p, 1, 20) <= 0) continue;
        uint8_t buf[2048];
        const long n = s.receive(buf, sizeof buf, from);
        if (n <= 0) continue;
        if (auto v = parseRtp(buf, static_cast<std::size_t>(n))) got.push_back(v->header.ssrc);
    }
    return got;
}

bool bindable(const std::string &ip, uint16_t port) {
    try {
        UdpSocket s(ip, port);
        return true;
    } catch (const std::runtime_error &) {
        return false;
    }
}

vce::MediaResult run(vce::MediaRelayService &r, bool offer, vce::MediaRequest q) {
    vce::MediaResult out;
    bool called = false;
    auto done = [&](vce::MediaResult x) { out = std::move(x), called = true; };
    if (offer)
        r.offer(std::move(q), done);
    else
        r.answer(std::move(q), done);
    CPPUNIT_ASSERT_MESSAGE("vced's relay answers before it returns", called);
    return out;
}

vce::MediaRequest request(vce::MediaSide side, const std::string &sdp_text, bool natted = false,
                          const std::string &source = "") {
    vce::MediaRequest q;
    q.call_id = "relay-test@127.0.1.1";
    q.side = side;
    q.sdp = sdp_text;
    q.natted = natted;
    q.source_ip = source;
    return q;
}

}  // namespace

class MediaRelayTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MediaRelayTest);
    CPPUNIT_TEST(latchTable);
    CPPUNIT_TEST(latchResignalUnlatches);
    CPPUNIT_TEST(rewriteTable);
    CPPUNIT_TEST(rewriteKeepsTheRest);
    CPPUNIT_TEST(portRangeRoundRobinAndFull);
    CPPUNIT_TEST(relaysBothWaysAndDropsBleed);
    CPPUNIT_TEST(nattedPartyLatchedByProvenStream);
    CPPUNIT_TEST(badSdpTakesNoPorts);
    CPPUNIT_TEST_SUITE_END();

public:
    // Each row: the policy, then packets (from, ssrc, seq) and the verdict each must get.
    void latchTable() {
        struct Packet {
            MediaAddr from;
            std::optional<RtpLatch::RtpIds> rtp;
            LatchVerdict verdict;
        };
        struct Row {
            const char *what;
            LatchPolicy policy;
            std::vector<Packet> packets;
            std::optional<MediaAddr> latched;
            uint64_t strays;
        };
        const LatchPolicy plain{addr(kPhone, 4000), false, 0, 3};
        const LatchPolicy natted{addr(0x0A000005, 4000), true, kNat, 3};
        const LatchPolicy natted_any{addr(0x0A000005, 4000), true, 0, 2};
        const auto F = LatchVerdict::Forward, P = LatchVerdict::Probation, S = LatchVerdict::Stray;
        const std::vector<Row> rows = {
            {"signalled address latches at once",
             plain,
             {{addr(kPhone, 4000), ids(1, 1), F}, {addr(kPhone, 4000), ids(1, 2), F}},
             addr(kPhone, 4000),
             0},
            {"not NAT'd: another port of the signalled address latches",
             plain,
             {{addr(kPhone, 5000), ids(1, 1), F}, {addr(kPhone, 4000), ids(1, 2), S}},
             addr(kPhone, 5000),
             1},
            {"bleed before the party: a stranger is dropped, the party still latches",
             plain,
             {{addr(kAttacker, 4000), ids(9, 1), S}, {addr(kPhone, 4000), ids(1, 1), F}},
             addr(kPhone, 4000),
             1},
            {"bleed after latching: dropped and counted, the latch stays",
             plain,
             {{addr(kPhone, 4000), ids(1, 1), F},
              {addr(kAttacker, 4000), ids(1, 2), S},
              {addr(kAttacker, 4001), ids(1, 3), S},
              {addr(kPhone, 4000), ids(1, 4), F}},
             addr(kPhone, 4000),
             2},
            {"NAT'd: three in-order packets of one SSRC from the NAT prove the stream",
             natted,
             {{addr(kNat, 61000), ids(7, 10), P},
              {addr(kNat, 61000), ids(7, 11), P},
              {addr(kNat, 61000), ids(7, 12), F},
              {addr(kNat, 61001), ids(7, 13), S}},
             addr(kNat, 61000),
             1},
            {"NAT'd: a gap or another SSRC starts the proof again",
             natted,
             {{addr(kNat, 61000), ids(7, 10), P},
              {addr(kNat, 61000), ids(7, 12), P},
              {addr(kNat, 61000), ids(8, 13), P},
              {addr(kNat, 61000), ids(8, 14), P}},
             std::nullopt,
             0},
            {"NAT'd: packets from another address than the SIP source are strays",
             natted,
             {{addr(kAttacker, 61000), ids(7, 10), S},
              {addr(kAttacker, 61000), ids(7, 11), S},
              {addr(kAttacker, 61000), ids(7, 12), S}},
             std::nullopt,
             3},
            {"NAT'd: an attacker interleaving with the phone never completes a proof",
             natted_any,
             {{addr(kNat, 61000), ids(7, 10), P},
              {addr(kAttacker, 9), ids(7, 11), P},
              {addr(kNat, 61000), ids(7, 11), P},
              {addr(kNat, 61000), ids(7, 12), F},
              {addr(kAttacker, 9), ids(7, 13), S}},
             addr(kNat, 61000),
             1},
            {"NAT'd: what is not RTP proves nothing",
             natted,
             {{addr(kNat, 61000), std::nullopt, S}, {addr(kNat, 61000), std::nullopt, S}},
             std::nullopt,
             2},
            {"NAT'd: the signalled address itself is believed at once",
             natted,
             {{addr(0x0A000005, 4000), ids(1, 1), F}},
             addr(0x0A000005, 4000),
             0},
        };
        for (const Row &row : rows) {
            RtpLatch l(row.policy);
            for (std::size_t i = 0; i < row.packets.size(); ++i)
                CPPUNIT_ASSERT_MESSAGE(
                    std::string(row.what) + ": packet " + std::to_string(i),
                    l.packet(row.packets[i].from, row.packets[i].rtp) == row.packets[i].verdict);
            CPPUNIT_ASSERT_MESSAGE(row.what, l.latched() == row.latched);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(row.what, row.strays, l.strays());
        }
    }

    void latchResignalUnlatches() {
        RtpLatch l(LatchPolicy{addr(kPhone, 4000), false, 0, 3});
        CPPUNIT_ASSERT(l.send_to() == addr(kPhone, 4000));
        l.packet(addr(kPhone, 4000), ids(1, 1));
        l.resignal(LatchPolicy{addr(kPhone, 4000), false, 0, 3});  // the same: kept
        CPPUNIT_ASSERT(l.latched().has_value());
        l.resignal(LatchPolicy{addr(0, 6000), false, 0, 3});  // hold (c=0.0.0.0): kept
        CPPUNIT_ASSERT(l.latched().has_value());
        l.resignal(LatchPolicy{addr(kAttacker, 6000), false, 0, 3});  // a forked answer
        CPPUNIT_ASSERT(!l.latched().has_value());
        CPPUNIT_ASSERT(l.packet(addr(kPhone, 4000), ids(1, 2)) == LatchVerdict::Stray);
        // A NAT'd party is not sent to before it has latched: its SDP names a private address.
        RtpLatch n(LatchPolicy{addr(0x0A000005, 4000), true, kNat, 3});
        CPPUNIT_ASSERT_EQUAL(uint16_t(0), n.send_to().port);
    }

    void rewriteTable() {
        struct Row {
            std::string sdp;
            int status;
            const char *reason_has;
        };
        const std::string big = [] {
            std::string s = sdp("192.0.2.1", 4000);
            for (int i = 0; i < 1000; ++i) s += "m=audio 5000 RTP/AVP 0\r\n";
            return s;
        }();
        const std::vector<Row> rows = {
            {sdp("192.0.2.1", 4000), 200, ""},
            {"", 400, "v=0"},
            {"garbage", 400, "<type>=<value>"},
            {"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nc=IN IP4 1.2.3.4\r\nm=video 5 RTP/AVP 96\r\n", 488,
             "no m=audio"},
            {sdp("192.0.2.1", 70000), 400, "not 0-65535"},
            {sdp("192.0.2.1", 4000)
                 .replace(sdp("192.0.2.1", 4000).find("RTP/AVP"), 7, "UDP/TLS/RTP/SAVPF"),
             488, "transport"},
            {"v=0\r\nc=IN IP6 ::1\r\nm=audio 4000 RTP/AVP 0\r\n", 488, "IPv4"},
            {"v=0\r\nc=IN IP4 not-an-ip\r\nm=audio 4000 RTP/AVP 0\r\n", 488, "IPv4"},
            {"v=0\r\nm=audio 4000 RTP/AVP 0\r\n", 400, "no address"},
            {"v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP\r\n", 400, "payload"},
            {"v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio\r\n", 400, "lacks"},
            {big, 488, "media lines"},
        };
        for (const Row &row : rows) {
            const SdpRelayRewrite r = rewriteSdpForRelay(row.sdp, "127.0.1.10", 40100);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(row.sdp.substr(0, 80), row.status, r.status);
            CPPUNIT_ASSERT_MESSAGE(r.reason, r.reason.find(row.reason_has) != std::string::npos);
            if (row.status != 200) CPPUNIT_ASSERT(r.sdp.empty());
        }
    }

    void rewriteKeepsTheRest() {
        const std::string in = sdp("192.0.2.1", 4000,
                                   "a=rtcp:4001 IN IP4 192.0.2.1\r\na=candidate:1 1 UDP 1 "
                                   "192.0.2.1 4000 typ host\r\nm=video 5000 RTP/AVP 96\r\n"
                                   "c=IN IP4 192.0.2.1\r\na=sendrecv\r\n");
        const SdpRelayRewrite r = rewriteSdpForRelay(in, "127.0.1.10", 40100);
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.1"), r.address);
        CPPUNIT_ASSERT_EQUAL(uint16_t(4000), r.port);
        CPPUNIT_ASSERT_EQUAL(std::string("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"
                                         "c=IN IP4 127.0.1.10\r\nt=0 0\r\n"
                                         "m=audio 40100 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\n"
                                         "a=rtcp:40101\r\nm=video 0 RTP/AVP 96\r\n"
                                         "c=IN IP4 192.0.2.1\r\na=sendrecv\r\n"),
                             r.sdp);
        // Port 0 (a stream refused or disabled) stays 0.
        const SdpRelayRewrite off = rewriteSdpForRelay(sdp("192.0.2.1", 0), "127.0.1.10", 40100);
        CPPUNIT_ASSERT(off.sdp.find("m=audio 0 ") != std::string::npos);
    }

    void portRangeRoundRobinAndFull() {
        PortRange r(40001, 40007);  // even RTP ports with RTCP inside: 40002, 40004, 40006
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), r.capacity());
        CPPUNIT_ASSERT_EQUAL(uint16_t(40002), *r.take());
        CPPUNIT_ASSERT_EQUAL(uint16_t(40004), *r.take());
        r.give(40002);
        CPPUNIT_ASSERT_EQUAL(uint16_t(40006), *r.take());  // the freed one comes last
        CPPUNIT_ASSERT_EQUAL(uint16_t(40002), *r.take());
        CPPUNIT_ASSERT(!r.take().has_value());
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), r.in_use());
        CPPUNIT_ASSERT_THROW(PortRange(40010, 40010), std::invalid_argument);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), PortRange(40010, 40011).capacity());
    }

    void relaysBothWaysAndDropsBleed() {
        RelaySettings s;
        s.bind_address = "127.0.1.10";
        s.port_first = 40900;
        s.port_last = 40919;
        MediaRelay relay(s);
        UdpSocket caller("127.0.1.11", 40950), callee("127.0.1.12", 40960),
            attacker("127.0.1.13", 40970);
        const vce::MediaResult o =
            run(relay, true, request(vce::MediaSide::Caller, sdp("127.0.1.11", 40950)));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(o.reason, 200, o.status);
        const vce::MediaResult a =
            run(relay, false, request(vce::MediaSide::Callee, sdp("127.0.1.12", 40960)));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(a.reason, 200, a.status);
        auto v = relay.call("relay-test@127.0.1.1");
        CPPUNIT_ASSERT(v.has_value());
        // The callee is offered the port facing it, the caller answered with its own.
        CPPUNIT_ASSERT(o.sdp.find("c=IN IP4 127.0.1.10\r\n") != std::string::npos);
        CPPUNIT_ASSERT(o.sdp.find("m=audio " + std::to_string(v->callee_port) + " ") !=
                       std::string::npos);
        CPPUNIT_ASSERT(a.sdp.find("m=audio " + std::to_string(v->caller_port) + " ") !=
                       std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), relay.ports_in_use());

        // The attacker sprays both relay ports first: nothing of it reaches the phones.
        for (uint16_t i = 0; i < 5; ++i) {
            send_rtp(attacker, "127.0.1.10", v->caller_port, 0xbad, i);
            send_rtp(attacker, "127.0.1.10", v->callee_port, 0xbad, i);
        }
        for (uint16_t i = 0; i < 10; ++i) {
            send_rtp(caller, "127.0.1.10", v->caller_port, 0xca11, i);
            send_rtp(callee, "127.0.1.10", v->callee_port, 0xca1ee, i);
        }
        sockaddr_in from{};
        const std::vector<uint32_t> at_callee = receive_all(callee, 300, &from);
        const std::vector<uint32_t> at_caller = receive_all(caller, 100);
        CPPUNIT_ASSERT_EQUAL(std::size_t(10), at_callee.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(10), at_caller.size());
        for (uint32_t x : at_callee) CPPUNIT_ASSERT_EQUAL(uint32_t(0xca11), x);
        for (uint32_t x : at_caller) CPPUNIT_ASSERT_EQUAL(uint32_t(0xca1ee), x);
        // Symmetric: the callee hears the caller from the port it sends to.
        CPPUNIT_ASSERT_EQUAL(v->callee_port, ntohs(from.sin_port));
        // After latching: still nothing for the attacker, nothing from it reaches anyone.
        for (uint16_t i = 5; i < 10; ++i)
            send_rtp(attacker, "127.0.1.10", v->caller_port, 0xbad, i);
        send_rtp(caller, "127.0.1.10", v->caller_port, 0xca11, 10);
        CPPUNIT_ASSERT(receive_all(attacker, 200).empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), receive_all(callee, 100).size());
        CPPUNIT_ASSERT_EQUAL(uint64_t(10), v->caller->strays.load());
        CPPUNIT_ASSERT_EQUAL(uint64_t(5), v->callee->strays.load());
        CPPUNIT_ASSERT_EQUAL(uint64_t(11), v->caller->forwarded.load());
        CPPUNIT_ASSERT(v->caller->latched && v->callee->latched);

        // The call ends: its ports are free again (closed on the relay thread, then returned).
        relay.release("relay-test@127.0.1.1");
        for (int i = 0; i < 100 && relay.ports_in_use() != 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), relay.ports_in_use());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), relay.calls());
        CPPUNIT_ASSERT(bindable("127.0.1.10", v->caller_port));
        CPPUNIT_ASSERT(bindable("127.0.1.10", v->callee_port + 1));
    }

    void nattedPartyLatchedByProvenStream() {
        RelaySettings s;
        s.bind_address = "127.0.1.10";
        s.port_first = 40920;
        s.port_last = 40939;
        MediaRelay relay(s);
        // The caller is behind NAT: its SDP names 10.0.0.5, its packets come from 127.0.1.21.
        UdpSocket caller("127.0.1.21", 40951), callee("127.0.1.22", 40961);
        CPPUNIT_ASSERT_EQUAL(
            200, run(relay, true,
                     request(vce::MediaSide::Caller, sdp("10.0.0.5", 4000), true, "127.0.1.21"))
                     .status);
        CPPUNIT_ASSERT_EQUAL(
            200,
            run(relay, false, request(vce::MediaSide::Callee, sdp("127.0.1.22", 40961))).status);
        auto v = relay.call("relay-test@127.0.1.1");
        // Before the caller has proven itself the callee's media has nowhere to go.
        send_rtp(callee, "127.0.1.10", v->callee_port, 0xca1ee, 1);
        CPPUNIT_ASSERT(receive_all(caller, 100).empty());
        for (uint16_t i = 100; i < 103; ++i) send_rtp(caller, "127.0.1.10", v->caller_port, 7, i);
        // The first two were on probation; the third proved the stream and was relayed.
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), receive_all(callee, 200).size());
        send_rtp(callee, "127.0.1.10", v->callee_port, 0xca1ee, 2);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), receive_all(caller, 200).size());
        CPPUNIT_ASSERT_EQUAL(uint64_t(2), v->caller->probation.load());
    }

    void badSdpTakesNoPorts() {
        RelaySettings s;
        s.bind_address = "127.0.1.10";
        s.port_first = 40940;
        s.port_last = 40941;  // one pair only: the second party finds none
        MediaRelay relay(s);
        const vce::MediaResult bad =
            run(relay, true, request(vce::MediaSide::Caller, "v=0\r\nm=audio x RTP/AVP 0\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, bad.status);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), relay.ports_in_use());
        const vce::MediaResult full =
            run(relay, true, request(vce::MediaSide::Caller, sdp("127.0.1.11", 40950)));
        CPPUNIT_ASSERT_EQUAL(503, full.status);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), relay.ports_in_use());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), relay.calls());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MediaRelayTest);
