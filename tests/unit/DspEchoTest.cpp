// Tests of our line echo canceller against SpanDSP's G.168 echo path models, through G.711,
// and of the DSP chain's silence on stdout/stderr.
#include <cppunit/extensions/HelperMacros.h>
#include <fcntl.h>
#include <spandsp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "spandsp_glue/DspChain.h"
#include "spandsp_glue/EchoCanceller.h"
#include "spandsp_glue/G168EchoPath.h"
#include "spandsp_glue/G711.h"

using namespace vce::dsp;

namespace {

struct Awgn {
    awgn_state_t *s;
    Awgn(int seed, float dbm0) : s(awgn_init_dbm0(nullptr, seed, dbm0)) {}
    ~Awgn() { awgn_free(s); }
    int16_t next() { return awgn(s); }
};

struct EchoRun {
    double convergenceS = -1;    // from when the linear ERLE stays >= 20 dB (100 ms windows)
    double erleOutDb = 0;        // 2-3 s: echo power / output power (after NLP)
    double erleLinearDb = 0;     // 2-3 s: echo power / linear residual power
    double afterDtLinearDb = 0;  // first 200 ms after 1 s of double talk
    double nearPassDb = 0;       // during double talk: output power - near-end power (dB)
};

// 5 s: far-end coloured noise at -15 dBm0; echo through a G.168 model (ERL 10 dB); background
// -65 dBm0; everything the canceller receives is A-law coded. Double talk (independent noise at
// -15 dBm0) from 3.0 to 4.0 s.
EchoRun runModel(int model) {
    EchoCanceller ec;
    G168EchoPath path(model, 10.0f, 0);
    Awgn far(1234 + model, -15.0f), nearTalk(777, -15.0f), bg(99, -65.0f);
    EchoRun r;
    float lp = 0;
    double we = 0, wl = 0, e23 = 0, l23 = 0, o23 = 0, edt = 0, ldt = 0, odt = 0, ndt = 0;
    int windows = 0;
    for (int i = 0; i < 8000 * 5; i += 160) {
        int16_t x[160], echo[160], nearIn[160], out[160], lin[160], talk[160];
        const bool dt = i >= 24000 && i < 32000;
        for (int k = 0; k < 160; ++k) {
            lp = 0.6f * lp + 0.4f * far.next();
            x[k] = static_cast<int16_t>(lp);
            echo[k] = bg.next();
            talk[k] = dt ? nearTalk.next() : 0;
        }
        path.addEcho(x, echo, 160);
        for (int k = 0; k < 160; ++k)
            nearIn[k] = g711Decode(Law::Alaw,
                                   g711Encode(Law::Alaw, static_cast<int16_t>(echo[k] + talk[k])));
        ec.process(x, nearIn, out, 160, lin);
        double be = 0, bl = 0, bo = 0, bn = 0;
        for (int k = 0; k < 160; ++k) {
            be += double(echo[k]) * echo[k];
            bl += double(lin[k]) * lin[k];
            bo += double(out[k]) * out[k];
            bn += double(talk[k]) * talk[k];
        }
        if (i < 24000) {
            we += be;
            wl += bl;
            if (++windows == 5) {
                const double erle = 10 * std::log10(we / (wl + 1));
                if (erle >= 20 && r.convergenceS < 0) r.convergenceS = (i + 160) / 8000.0;
                if (erle < 20) r.convergenceS = -1;
                we = wl = 0;
                windows = 0;
            }
        }
        if (i >= 16000 && i < 24000) e23 += be, l23 += bl, o23 += bo;
        if (dt) odt += bo, ndt += bn;
        if (i >= 32000 && i < 33600) edt += be, ldt += bl;
    }
    r.erleOutDb = 10 * std::log10(e23 / (o23 + 1));
    r.erleLinearDb = 10 * std::log10(e23 / (l23 + 1));
    r.afterDtLinearDb = 10 * std::log10(edt / (ldt + 1));
    r.nearPassDb = 10 * std::log10((odt + 1) / (ndt + 1));
    return r;
}

std::string report(int model, const EchoRun &r) {
    char b[200];
    std::snprintf(b, sizeof b,
                  "G.168 D.%d: convergence %.2f s, ERLE out %.1f dB, linear %.1f dB, after double "
                  "talk %.1f dB, near-end passed %+.1f dB",
                  model, r.convergenceS, r.erleOutDb, r.erleLinearDb, r.afterDtLinearDb,
                  r.nearPassDb);
    return b;
}

}  // namespace

class DspEchoTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DspEchoTest);
    CPPUNIT_TEST(convergesWithinOneSecondOnEveryG168Path);
    CPPUNIT_TEST(erleAtLeast30dBAfterConvergence);
    CPPUNIT_TEST(noDivergenceUnderDoubleTalk);
    CPPUNIT_TEST(silentFarEndPassesNearEnd);
    CPPUNIT_TEST(chainWritesNothingToStdoutOrStderr);
    CPPUNIT_TEST_SUITE_END();

public:
    void convergesWithinOneSecondOnEveryG168Path() {
        for (int m = 2; m <= 9; ++m) {
            const EchoRun r = runModel(m);
            CPPUNIT_ASSERT_MESSAGE(report(m, r), r.convergenceS > 0 && r.convergenceS <= 1.0);
        }
    }
    void erleAtLeast30dBAfterConvergence() {
        for (int m = 2; m <= 9; ++m) {
            const EchoRun r = runModel(m);
            CPPUNIT_ASSERT_MESSAGE(report(m, r), r.erleOutDb >= 30.0);
            // The linear filter alone is limited by the A-law coding of the echo (~33 dB here).
            CPPUNIT_ASSERT_MESSAGE(report(m, r), r.erleLinearDb >= 27.0);
        }
    }
    void noDivergenceUnderDoubleTalk() {
        for (int m = 2; m <= 9; ++m) {
            const EchoRun r = runModel(m);
            CPPUNIT_ASSERT_MESSAGE(report(m, r), r.afterDtLinearDb >= 22.0);
            // The near-end talker is not clipped by the NLP during double talk.
            CPPUNIT_ASSERT_MESSAGE(report(m, r), std::fabs(r.nearPassDb) <= 3.0);
        }
    }
    void silentFarEndPassesNearEnd() {
        EchoCanceller ec;
        Awgn talk(5, -20.0f);
        int16_t far[160] = {}, nearIn[160], out[160];
        double in = 0, o = 0;
        for (int b = 0; b < 50; ++b) {
            for (int16_t &s : nearIn) s = talk.next();
            ec.process(far, nearIn, out, 160);
            for (int k = 0; k < 160; ++k)
                in += double(nearIn[k]) * nearIn[k], o += double(out[k]) * out[k];
        }
        CPPUNIT_ASSERT(std::fabs(10 * std::log10(o / in)) < 0.5);
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), ec.stats().nlpSamples);
    }
    void chainWritesNothingToStdoutOrStderr() {
        std::fflush(stdout);
        std::fflush(stderr);
        char path[] = "/tmp/vce-dsp-silence-XXXXXX";
        const int tmp = mkstemp(path);
        CPPUNIT_ASSERT(tmp >= 0);
        const int saved1 = dup(1), saved2 = dup(2);
        dup2(tmp, 1);
        dup2(tmp, 2);
        {
            // Every part of the chain, both laws, with echo, tones, DTMF, caller ID and fax tones.
            for (Law law : {Law::Alaw, Law::Ulaw}) {
                DspChainConfig c;
                c.law = law;
                c.detectCallProgress = true;
                DspChain a(c), b(c);
                G168EchoPath path(4, 10.0f);
                a.sendDtmf("123#");
                b.playTone(Tone::Busy);
                a.sendCallerId({"5551234", "VCE", "01020304"});
                uint8_t lineA[160], lineB[160];
                int16_t netA[160], netB[160], noise[160];
                Awgn n(3, -20.0f);
                std::fill(lineB, lineB + 160, g711Silence(law));
                for (int f = 0; f < 200; ++f) {
                    for (int16_t &s : noise) s = n.next();
                    a.process(lineB, netA, noise, lineA, 160);
                    b.process(lineA, netB, nullptr, lineB, 160);
                }
                DspEventQueue q;
                a.takeEvents(q);
                b.takeEvents(q);
            }
            DspChainConfig m;
            m.echo = EchoMode::SpanDspModem;  // SpanDSP's modem echo canceller is silent too
            DspChain c(m);
            uint8_t l[160] = {}, o[160];
            for (int f = 0; f < 10; ++f) c.process(l, nullptr, nullptr, o, 160);
        }
        std::fflush(stdout);
        std::fflush(stderr);
        dup2(saved1, 1);
        dup2(saved2, 2);
        close(saved1);
        close(saved2);
        struct stat st {};
        fstat(tmp, &st);
        std::string text;
        if (st.st_size > 0) {
            char buf[200] = {};
            pread(tmp, buf, sizeof buf - 1, 0);
            text = buf;
        }
        close(tmp);
        unlink(path);
        CPPUNIT_ASSERT_EQUAL_MESSAGE("chain printed: " + text, 0L, static_cast<long>(st.st_size));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DspEchoTest);
