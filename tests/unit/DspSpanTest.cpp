// Tests of the virtual TDM backend: frames and events across socket pairs and a span socket.
#include <cppunit/extensions/HelperMacros.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "spandsp_glue/VirtualSpan.h"

using namespace vce::dsp;

namespace {

TdmChannel::ReadStatus readWait(TdmChannel &c, uint8_t *buf, std::size_t &len, TdmEvent &ev) {
    pollfd p{c.fd(), c.pollEvents(), 0};
    poll(&p, 1, 1000);
    return c.read(buf, 480, len, ev);
}

std::string spanPath(const char *tag) {
    return "/tmp/vce-span-test-" + std::to_string(getpid()) + "-" + tag + ".sock";
}

}  // namespace

class DspSpanTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DspSpanTest);
    CPPUNIT_TEST(framesAndEventsCrossASocketPair);
    CPPUNIT_TEST(emptyChannelReadsAgainAndCloseIsSeen);
    CPPUNIT_TEST(farEndConnectsToSpanSocket);
    CPPUNIT_TEST(takenOrUnknownChannelRefused);
    CPPUNIT_TEST_SUITE_END();

public:
    void framesAndEventsCrossASocketPair() {
        auto [box, far] = VirtualChannel::pair(3, Law::Ulaw, ChannelRole::Fxs);
        CPPUNIT_ASSERT(box->role() == ChannelRole::Fxs && far->role() == ChannelRole::Fxo);
        uint8_t frame[160], got[480];
        for (int i = 0; i < 160; ++i) frame[i] = static_cast<uint8_t>(255 - i);
        CPPUNIT_ASSERT(far->signal(TdmEvent::OffHook));
        CPPUNIT_ASSERT(far->writeAudio(frame, 160));
        CPPUNIT_ASSERT(box->signal(TdmEvent::RingStop));
        std::size_t len = 0;
        TdmEvent ev = TdmEvent::None;
        CPPUNIT_ASSERT(readWait(*box, got, len, ev) == TdmChannel::ReadStatus::Event);
        CPPUNIT_ASSERT(ev == TdmEvent::OffHook);
        CPPUNIT_ASSERT(readWait(*box, got, len, ev) == TdmChannel::ReadStatus::Audio);
        CPPUNIT_ASSERT_EQUAL(std::size_t(160), len);
        CPPUNIT_ASSERT(std::equal(frame, frame + 160, got));
        CPPUNIT_ASSERT(readWait(*far, got, len, ev) == TdmChannel::ReadStatus::Event);
        CPPUNIT_ASSERT(ev == TdmEvent::RingStop);
        // Many frames in order (SEQPACKET keeps boundaries).
        for (int i = 0; i < 50; ++i) {
            frame[0] = static_cast<uint8_t>(i);
            box->writeAudio(frame, 160);
        }
        for (int i = 0; i < 50; ++i) {
            CPPUNIT_ASSERT(readWait(*far, got, len, ev) == TdmChannel::ReadStatus::Audio);
            CPPUNIT_ASSERT_EQUAL(int(i), int(got[0]));
        }
    }
    void emptyChannelReadsAgainAndCloseIsSeen() {
        auto [box, far] = VirtualChannel::pair(1, Law::Alaw, ChannelRole::Fxo);
        uint8_t got[480];
        std::size_t len;
        TdmEvent ev;
        CPPUNIT_ASSERT(box->read(got, sizeof got, len, ev) == TdmChannel::ReadStatus::Again);
        far.reset();
        CPPUNIT_ASSERT(box->read(got, sizeof got, len, ev) == TdmChannel::ReadStatus::Closed);
    }
    void farEndConnectsToSpanSocket() {
        const std::string path = spanPath("a");
        VirtualSpan span(path, 4, Law::Alaw, ChannelRole::Fxo);
        CPPUNIT_ASSERT(span.channel(2) == nullptr);
        // connect() waits for the span's HELLO, so the span must service concurrently: do it
        // in a child process playing the far end.
        const pid_t pid = fork();
        if (pid == 0) {
            int rc = 1;
            try {
                auto c = VirtualChannel::connect(path, 2, Law::Ulaw);
                uint8_t f[160] = {1, 2, 3};
                c->signal(TdmEvent::RingStart);
                c->writeAudio(f, 160);
                rc = (c->law() == Law::Alaw && c->role() == ChannelRole::Fxs) ? 0 : 3;
                uint8_t got[480];
                std::size_t len;
                TdmEvent ev;
                pollfd p{c->fd(), POLLIN, 0};
                poll(&p, 1, 2000);
                if (c->read(got, sizeof got, len, ev) != TdmChannel::ReadStatus::Event ||
                    ev != TdmEvent::OffHook)
                    rc = 4;
            } catch (...) {
                rc = 2;
            }
            _exit(rc);
        }
        pollfd p{span.fd(), POLLIN, 0};
        CPPUNIT_ASSERT(poll(&p, 1, 3000) == 1);
        const auto attached = span.service();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), attached.size());
        CPPUNIT_ASSERT_EQUAL(2, attached[0]);
        VirtualChannel *ch = span.channel(2);
        CPPUNIT_ASSERT(ch != nullptr);
        uint8_t got[480];
        std::size_t len;
        TdmEvent ev;
        CPPUNIT_ASSERT(readWait(*ch, got, len, ev) == TdmChannel::ReadStatus::Event &&
                       ev == TdmEvent::RingStart);
        CPPUNIT_ASSERT(readWait(*ch, got, len, ev) == TdmChannel::ReadStatus::Audio && len == 160 &&
                       got[2] == 3);
        ch->signal(TdmEvent::OffHook);
        int status = 0;
        waitpid(pid, &status, 0);
        CPPUNIT_ASSERT_EQUAL(0, WEXITSTATUS(status));
    }
    void takenOrUnknownChannelRefused() {
        const std::string path = spanPath("b");
        VirtualSpan span(path, 1, Law::Alaw, ChannelRole::Fxo);
        const pid_t pid = fork();
        if (pid == 0) {
            int rc = 0;
            try {
                auto c1 = VirtualChannel::connect(path, 1, Law::Alaw);
            } catch (...) {
                rc |= 1;
            }
            try {
                auto c9 = VirtualChannel::connect(path, 9, Law::Alaw, 500);
                rc |= 2;  // must have been refused
            } catch (const std::exception &) {
            }
            _exit(rc);
        }
        for (int i = 0; i < 30; ++i) {
            pollfd p{span.fd(), POLLIN, 0};
            if (poll(&p, 1, 100) == 1) span.service(500);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        CPPUNIT_ASSERT_EQUAL(0, WEXITSTATUS(status));
        CPPUNIT_ASSERT(span.channel(1) != nullptr);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DspSpanTest);
