// The DAHDI backend without hardware (built only with dahdi/user.h): opening a channel whose
// device is missing or is not DAHDI fails with a message naming the device and the channel;
// DAHDI events and signalling types map to our TdmEvent and ChannelRole.
#include <cppunit/extensions/HelperMacros.h>
#include <dahdi/user.h>
#include <dirent.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "spandsp_glue/DahdiSpan.h"

using namespace vce::dsp;

namespace {

int openFds() {
    int n = 0;
    if (DIR *d = opendir("/proc/self/fd")) {
        while (readdir(d)) ++n;
        closedir(d);
    }
    return n;
}

// The message of the exception opening a span throws ("" if none).
std::string openError(int first, int count, const std::string &device) {
    try {
        DahdiSpan span(first, count, Law::Alaw, std::nullopt, device);
    } catch (const std::runtime_error &e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string &s, const std::string &part) {
    return s.find(part) != std::string::npos;
}

}  // namespace

class DspDahdiTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DspDahdiTest);
    CPPUNIT_TEST(missingDeviceNamesDeviceAndChannel);
    CPPUNIT_TEST(defaultDeviceMissingHere);
    CPPUNIT_TEST(deviceThatIsNotDahdiFailsAtSpecify);
    CPPUNIT_TEST(phonePortEvents);
    CPPUNIT_TEST(trunkPortEvents);
    CPPUNIT_TEST(trunkRingWithoutRingBegin);
    CPPUNIT_TEST(digitAndHousekeepingEventsIgnored);
    CPPUNIT_TEST(rolesFromSignallingTypes);
    CPPUNIT_TEST(eventNames);
    CPPUNIT_TEST_SUITE_END();

public:
    void missingDeviceNamesDeviceAndChannel() {
        const std::string dev = "/nonexistent-vce-test/dahdi/channel";
        const std::string msg = openError(5, 2, dev);
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, dev));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "DAHDI channel 5 (span channel 1)"));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, std::strerror(ENOENT)));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "dahdi kernel module"));
    }

    void defaultDeviceMissingHere() {
        if (access(kDahdiChannelDevice, F_OK) == 0) return;  // a machine with DAHDI: not this test
        const std::string msg = openError(1, 4, kDahdiChannelDevice);
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "/dev/dahdi/channel"));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "DAHDI channel 1 (span channel 1)"));
        // The default device is the one the span opens.
        try {
            DahdiSpan span(1, 1, Law::Ulaw);
            CPPUNIT_FAIL("opened a DAHDI span without DAHDI");
        } catch (const std::runtime_error &e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), contains(e.what(), "/dev/dahdi/channel"));
        }
    }

    void deviceThatIsNotDahdiFailsAtSpecify() {
        const int before = openFds();
        const std::string msg = openError(7, 1, "/dev/null");
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "DAHDI channel 7 (span channel 1) on /dev/null"));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "DAHDI_SPECIFY failed"));
        CPPUNIT_ASSERT_EQUAL(before, openFds());  // the descriptor was closed
    }

    void phonePortEvents() {
        const ChannelRole fxs = ChannelRole::Fxs;
        CPPUNIT_ASSERT(dahdiEventToTdm(DAHDI_EVENT_RINGOFFHOOK, fxs) == TdmEvent::OffHook);
        CPPUNIT_ASSERT(dahdiEventToTdm(DAHDI_EVENT_ONHOOK, fxs) == TdmEvent::OnHook);
        CPPUNIT_ASSERT(dahdiEventToTdm(DAHDI_EVENT_WINKFLASH, fxs) == TdmEvent::Flash);
        // Our own ringer's cadence and hook-complete are not the phone's doing.
        CPPUNIT_ASSERT(dahdiEventToTdm(DAHDI_EVENT_RINGERON, fxs) == TdmEvent::None);
        CPPUNIT_ASSERT(dahdiEventToTdm(DAHDI_EVENT_RINGEROFF, fxs) == TdmEvent::None);
        CPPUNIT_ASSERT(dahdiEventToTdm(DAHDI_EVENT_HOOKCOMPLETE, fxs) == TdmEvent::None);
        CPPUNIT_ASSERT(dahdiEventToTdm(DAHDI_EVENT_RINGBEGIN, fxs) == TdmEvent::None);
    }

    void trunkPortEvents() {
        const ChannelRole fxo = ChannelRole::Fxo;
        CPPUNIT_ASSERT(dahdiEventToTdm(DAHDI_EVENT_RINGBEGIN, fxo) == TdmEvent::RingStart);
        CPPUNIT_ASSERT(dahdiEventToTdm(DAHDI_EVENT_RINGOFFHOOK, fxo) == TdmEvent::RingStop);
        CPPUNIT_ASSERT(dahdiEventToTdm(DAHDI_EVENT_ONHOOK, fxo) == TdmEvent::OnHook);
        CPPUNIT_ASSERT(dahdiEventToTdm(DAHDI_EVENT_POLARITY, fxo) == TdmEvent::Polarity);
        CPPUNIT_ASSERT(dahdiEventToTdm(DAHDI_EVENT_WINKFLASH, fxo) == TdmEvent::Flash);
    }

    void trunkRingWithoutRingBegin() {
        // A driver built without RINGBEGIN reports a ring only by RINGOFFHOOK.
        CPPUNIT_ASSERT(dahdiEventToTdm(DAHDI_EVENT_RINGOFFHOOK, ChannelRole::Fxo, false) ==
                       TdmEvent::RingStart);
        CPPUNIT_ASSERT(dahdiEventToTdm(DAHDI_EVENT_RINGOFFHOOK, ChannelRole::Fxs, false) ==
                       TdmEvent::OffHook);
    }

    void digitAndHousekeepingEventsIgnored() {
        for (ChannelRole r : {ChannelRole::Fxs, ChannelRole::Fxo}) {
            for (int e :
                 {DAHDI_EVENT_NONE, DAHDI_EVENT_ALARM, DAHDI_EVENT_NOALARM,
                  DAHDI_EVENT_DIALCOMPLETE, DAHDI_EVENT_BITSCHANGED, DAHDI_EVENT_EC_DISABLED,
                  DAHDI_EVENT_TX_CED_DETECTED, DAHDI_EVENT_RX_CNG_DETECTED,
                  DAHDI_EVENT_READ_OVERRUN, DAHDI_EVENT_DTMFDOWN | '5', DAHDI_EVENT_DTMFUP | '#',
                  DAHDI_EVENT_PULSEDIGIT | '1', 999})
                CPPUNIT_ASSERT_MESSAGE(dahdiEventName(e), dahdiEventToTdm(e, r) == TdmEvent::None);
        }
        CPPUNIT_ASSERT(dahdiEventIsRemoval(DAHDI_EVENT_REMOVED));
        CPPUNIT_ASSERT(!dahdiEventIsRemoval(DAHDI_EVENT_ONHOOK));
    }

    void rolesFromSignallingTypes() {
        for (int s : {DAHDI_SIG_FXOLS, DAHDI_SIG_FXOGS, DAHDI_SIG_FXOKS})
            CPPUNIT_ASSERT(dahdiRoleOfSigtype(s) == ChannelRole::Fxs);
        for (int s : {DAHDI_SIG_FXSLS, DAHDI_SIG_FXSGS, DAHDI_SIG_FXSKS})
            CPPUNIT_ASSERT(dahdiRoleOfSigtype(s) == ChannelRole::Fxo);
        for (int s : {0, DAHDI_SIG_EM, DAHDI_SIG_CLEAR, DAHDI_SIG_HARDHDLC, DAHDI_SIG_CAS})
            CPPUNIT_ASSERT(!dahdiRoleOfSigtype(s).has_value());
    }

    void eventNames() {
        CPPUNIT_ASSERT_EQUAL(std::string("DAHDI_EVENT_RINGOFFHOOK"),
                             dahdiEventName(DAHDI_EVENT_RINGOFFHOOK));
        CPPUNIT_ASSERT_EQUAL(std::string("DAHDI_EVENT_POLARITY"),
                             dahdiEventName(DAHDI_EVENT_POLARITY));
        CPPUNIT_ASSERT_EQUAL(std::string("DAHDI_EVENT_DTMFDOWN 5"),
                             dahdiEventName(DAHDI_EVENT_DTMFDOWN | '5'));
        CPPUNIT_ASSERT_EQUAL(std::string("DAHDI event 999"), dahdiEventName(999));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DspDahdiTest);
