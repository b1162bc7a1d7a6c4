// The DAHDI TDM backend: channels on /dev/dahdi/channel driven by the DAHDI ioctl API
// (dahdi/user.h from Debian's dahdi-source), and the pure event/signalling mappings.
#include "spandsp_glue/DahdiSpan.h"

#include <dahdi/user.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace vce::dsp {
namespace {

// The driver's events carry a digit in the low bits with one of these flags set.
constexpr int kDigitEventFlags = DAHDI_EVENT_PULSEDIGIT | DAHDI_EVENT_DTMFDOWN | DAHDI_EVENT_DTMFUP;

#ifdef RINGBEGIN
constexpr bool kDriverRingBegin = true;
#else
constexpr bool kDriverRingBegin = false;
#endif

const char *roleName(ChannelRole r) {
    return r == ChannelRole::Fxs ? "fxs (a phone port)" : "fxo (a trunk port)";
}

std::string where(int channo, int number, const std::string &device) {
    return "DAHDI channel " + std::to_string(channo) + " (span channel " + std::to_string(number) +
           ") on " + device;
}

std::runtime_error ioctlError(int channo, int number, const std::string &device,
                              const char *ioctlName, const char *hint) {
    const int err = errno;
    return std::runtime_error(where(channo, number, device) + ": " + ioctlName +
                              " failed: " + std::strerror(err) + hint);
}

std::string hex(int v) {
    char b[16];
    std::snprintf(b, sizeof b, "0x%x", static_cast<unsigned>(v));
    return b;
}

}  // namespace

std::optional<ChannelRole> dahdiRoleOfSigtype(int sigtype) {
    switch (sigtype) {
        case DAHDI_SIG_FXOLS:
        case DAHDI_SIG_FXOGS:
        case DAHDI_SIG_FXOKS:
            return ChannelRole::Fxs;  // FXO signalling towards a phone
        case DAHDI_SIG_FXSLS:
        case DAHDI_SIG_FXSGS:
        case DAHDI_SIG_FXSKS:
            return ChannelRole::Fxo;  // FXS signalling towards the exchange
        default:
            return std::nullopt;
    }
}

TdmEvent dahdiEventToTdm(int e, ChannelRole role, bool ringBegin) {
    if (e & kDigitEventFlags) return TdmEvent::None;  // digits are detected in our DSP chain
    if (role == ChannelRole::Fxs) {
        switch (e) {
            case DAHDI_EVENT_RINGOFFHOOK:
                return TdmEvent::OffHook;  // the phone went off hook
            case DAHDI_EVENT_ONHOOK:
                return TdmEvent::OnHook;
            case DAHDI_EVENT_WINKFLASH:
                return TdmEvent::Flash;
            default:
                return TdmEvent::None;  // RINGERON/RINGEROFF: our own ringer's cadence
        }
    }
    switch (e) {
        case DAHDI_EVENT_RINGBEGIN:
            return TdmEvent::RingStart;
        case DAHDI_EVENT_RINGOFFHOOK:  // the ring burst ended (or, without RINGBEGIN, was seen)
            return ringBegin ? TdmEvent::RingStop : TdmEvent::RingStart;
        case DAHDI_EVENT_ONHOOK:
            return TdmEvent::OnHook;  // loop current dropped: far end released
        case DAHDI_EVENT_POLARITY:
            return TdmEvent::Polarity;
        case DAHDI_EVENT_WINKFLASH:
            return TdmEvent::Flash;
        default:
            return TdmEvent::None;
    }
}

bool dahdiEventIsRemoval(int e) {
    return e == DAHDI_EVENT_REMOVED;
}

std::string dahdiEventName(int e) {
    if (e & DAHDI_EVENT_PULSEDIGIT) return std::string("DAHDI_EVENT_PULSEDIGIT ") + char(e & 0xff);
    if (e & DAHDI_EVENT_DTMFDOWN) return std::string("DAHDI_EVENT_DTMFDOWN ") + char(e & 0xff);
    if (e & DAHDI_EVENT_DTMFUP) return std::string("DAHDI_EVENT_DTMFUP ") + char(e & 0xff);
    switch (e) {
#define VCE_DAHDI_EVENT(name) \
    case DAHDI_EVENT_##name:  \
        return "DAHDI_EVENT_" #name;
        VCE_DAHDI_EVENT(NONE)
        VCE_DAHDI_EVENT(ONHOOK)
        VCE_DAHDI_EVENT(RINGOFFHOOK)
        VCE_DAHDI_EVENT(WINKFLASH)
        VCE_DAHDI_EVENT(ALARM)
        VCE_DAHDI_EVENT(NOALARM)
        VCE_DAHDI_EVENT(ABORT)
        VCE_DAHDI_EVENT(OVERRUN)
        VCE_DAHDI_EVENT(BADFCS)
        VCE_DAHDI_EVENT(DIALCOMPLETE)
        VCE_DAHDI_EVENT(RINGERON)
        VCE_DAHDI_EVENT(RINGEROFF)
        VCE_DAHDI_EVENT(HOOKCOMPLETE)
        VCE_DAHDI_EVENT(BITSCHANGED)
        VCE_DAHDI_EVENT(PULSE_START)
        VCE_DAHDI_EVENT(TIMER_EXPIRED)
        VCE_DAHDI_EVENT(TIMER_PING)
        VCE_DAHDI_EVENT(POLARITY)
        VCE_DAHDI_EVENT(RINGBEGIN)
        VCE_DAHDI_EVENT(EC_DISABLED)
        VCE_DAHDI_EVENT(REMOVED)
#undef VCE_DAHDI_EVENT
        default:
            return "DAHDI event " + std::to_string(e);
    }
}

DahdiChannel::DahdiChannel(int channo, int number, Law law, const std::string &device,
                           std::optional<ChannelRole> expectRole)
    : channo_(channo), number_(number), law_(law) {
    fd_ = ::open(device.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) {
        const int err = errno;
        const char *hint =
            err == ENOENT ? " (no DAHDI device: load the dahdi kernel module and the card's driver)"
            : err == EACCES || err == EPERM ? " (vced needs read and write access to it)"
            : err == ENXIO || err == ENODEV ? " (DAHDI is loaded but offers no such device)"
                                            : "";
        throw std::runtime_error(where(channo, number, device) + ": cannot open " + device + ": " +
                                 std::strerror(err) + hint);
    }
    try {
        int c = channo;
        if (ioctl(fd_, DAHDI_SPECIFY, &c) != 0)
            throw ioctlError(channo, number, device, "DAHDI_SPECIFY",
                             errno == EBUSY
                                 ? " (another program has it open)"
                                 : " (no such channel? see dahdi_scan and /etc/dahdi/system.conf)");
        struct dahdi_params p;
        std::memset(&p, 0, sizeof p);
        p.channo = channo;
        if (ioctl(fd_, DAHDI_GET_PARAMS, &p) != 0)
            throw ioctlError(channo, number, device, "DAHDI_GET_PARAMS", "");
        const auto role = dahdiRoleOfSigtype(p.sigtype);
        if (p.sigtype == 0)
            throw std::runtime_error(where(channo, number, device) +
                                     ": has no signalling configured (set fxoks/fxsks... in "
                                     "/etc/dahdi/system.conf and run dahdi_cfg)");
        if (!role)
            throw std::runtime_error(where(channo, number, device) + ": signalling " +
                                     hex(p.sigtype) +
                                     " is neither for a phone port (fxo*) nor a trunk port (fxs*)");
        if (expectRole && *expectRole != *role)
            throw std::runtime_error(where(channo, number, device) +
                                     ": DAHDI signalling makes it " + roleName(*role) +
                                     ", but the span is configured as " + roleName(*expectRole));
        role_ = *role;
        int bs = static_cast<int>(kFrameSamples);
        if (ioctl(fd_, DAHDI_SET_BLOCKSIZE, &bs) != 0)
            throw ioctlError(channo, number, device, "DAHDI_SET_BLOCKSIZE", "");
        int l = law == Law::Alaw ? DAHDI_LAW_ALAW : DAHDI_LAW_MULAW;
        if (ioctl(fd_, DAHDI_SETLAW, &l) != 0)
            throw ioctlError(channo, number, device, "DAHDI_SETLAW", "");
    } catch (...) {
        ::close(fd_);
        fd_ = -1;
        throw;
    }
}

DahdiChannel::~DahdiChannel() {
    if (fd_ >= 0) ::close(fd_);
}

short DahdiChannel::pollEvents() const {
    return POLLIN | POLLPRI;
}

TdmChannel::ReadStatus DahdiChannel::read(uint8_t *frame, std::size_t cap, std::size_t &len,
                                          TdmEvent &event) {
    for (;;) {
        const ssize_t n = ::read(fd_, frame, cap);
        if (n > 0) {
            len = static_cast<std::size_t>(n);
            return ReadStatus::Audio;
        }
        if (n == 0) return ReadStatus::Again;
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return ReadStatus::Again;
        if (errno == ENODEV) return ReadStatus::Closed;  // the channel was unregistered
        if (errno != ELAST) return ReadStatus::Error;
        // An event is pending (also signalled as POLLPRI): fetch it.
        int e = 0;
        if (ioctl(fd_, DAHDI_GETEVENT, &e) != 0) return ReadStatus::Error;
        if (dahdiEventIsRemoval(e)) return ReadStatus::Closed;
        event = dahdiEventToTdm(e, role_, kDriverRingBegin);
        if (event != TdmEvent::None) return ReadStatus::Event;
        // Not line signalling for us (alarms, hook-complete, digits from the driver): next.
    }
}

bool DahdiChannel::writeAudio(const uint8_t *frame, std::size_t len) {
    const ssize_t n = ::write(fd_, frame, len);
    return n == static_cast<ssize_t>(len);
}

bool DahdiChannel::signal(TdmEvent event) {
    int x;
    switch (event) {
        case TdmEvent::OffHook:
            x = DAHDI_OFFHOOK;
            break;
        case TdmEvent::OnHook:
            x = DAHDI_ONHOOK;
            break;
        case TdmEvent::RingStart:
            x = DAHDI_RING;
            break;
        case TdmEvent::RingStop:
            x = DAHDI_RINGOFF;
            break;
        case TdmEvent::Flash:
            x = DAHDI_FLASH;
            break;
        case TdmEvent::Polarity:
        case TdmEvent::Answer: {
            int reversed = !polarity_;
            if (ioctl(fd_, DAHDI_SETPOLARITY, &reversed) != 0) return false;
            polarity_ = reversed;
            return true;
        }
        default:
            return false;
    }
    // On a non-blocking descriptor, ring, wink and flash are started and report EINPROGRESS.
    return ioctl(fd_, DAHDI_HOOK, &x) == 0 || errno == EINPROGRESS;
}

DahdiSpan::DahdiSpan(int firstChannel, int count, Law law, std::optional<ChannelRole> expectRole,
                     const std::string &device) {
    for (int i = 0; i < count; ++i)
        channels_.push_back(
            std::make_unique<DahdiChannel>(firstChannel + i, i + 1, law, device, expectRole));
}

}  // namespace vce::dsp
