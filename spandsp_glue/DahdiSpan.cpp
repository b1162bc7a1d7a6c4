// The DAHDI TDM backend: channels on /dev/dahdi/channel driven by the DAHDI ioctl API.
#include "spandsp_glue/DahdiSpan.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/ioctl.h>
#include <unistd.h>

#include <dahdi/user.h>

namespace vce::dsp {
namespace {

std::runtime_error dahdiError(int channo, const char *what) {
    return std::runtime_error("DAHDI channel " + std::to_string(channo) + ": " + what + ": " +
                              std::strerror(errno));
}

bool isFxsPort(int sigtype) {
    // A port that powers a phone uses FXO signalling towards it (and vice versa).
    return sigtype == DAHDI_SIG_FXOLS || sigtype == DAHDI_SIG_FXOGS || sigtype == DAHDI_SIG_FXOKS;
}

}  // namespace

DahdiChannel::DahdiChannel(int channo, Law law, const std::string &device) : channo_(channo), law_(law) {
    fd_ = ::open(device.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) throw dahdiError(channo, ("open " + device).c_str());
    try {
        int c = channo;
        if (ioctl(fd_, DAHDI_SPECIFY, &c) != 0) throw dahdiError(channo, "DAHDI_SPECIFY");
        int bs = static_cast<int>(kFrameSamples);
        if (ioctl(fd_, DAHDI_SET_BLOCKSIZE, &bs) != 0) throw dahdiError(channo, "DAHDI_SET_BLOCKSIZE");
        int l = law == Law::Alaw ? DAHDI_LAW_ALAW : DAHDI_LAW_MULAW;
        if (ioctl(fd_, DAHDI_SETLAW, &l) != 0) throw dahdiError(channo, "DAHDI_SETLAW");
        struct dahdi_params p;
        std::memset(&p, 0, sizeof p);
        p.channo = channo;
        if (ioctl(fd_, DAHDI_GET_PARAMS, &p) != 0) throw dahdiError(channo, "DAHDI_GET_PARAMS");
        role_ = isFxsPort(p.sigtype) ? ChannelRole::Fxs : ChannelRole::Fxo;
    } catch (...) {
        ::close(fd_);
        throw;
    }
}

DahdiChannel::~DahdiChannel() {
    if (fd_ >= 0) ::close(fd_);
}

short DahdiChannel::pollEvents() const { return POLLIN | POLLPRI; }

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
        if (errno != ELAST) return ReadStatus::Error;
        // An event is pending (also signalled as POLLPRI): fetch it.
        int e = 0;
        if (ioctl(fd_, DAHDI_GETEVENT, &e) != 0) return ReadStatus::Error;
        switch (e) {
        case DAHDI_EVENT_RINGOFFHOOK:
            event = role_ == ChannelRole::Fxs ? TdmEvent::OffHook : TdmEvent::RingStart;
            return ReadStatus::Event;
        case DAHDI_EVENT_RINGBEGIN: event = TdmEvent::RingStart; return ReadStatus::Event;
        case DAHDI_EVENT_ONHOOK: event = TdmEvent::OnHook; return ReadStatus::Event;
        case DAHDI_EVENT_WINKFLASH: event = TdmEvent::Flash; return ReadStatus::Event;
        case DAHDI_EVENT_POLARITY: event = TdmEvent::Polarity; return ReadStatus::Event;
        default: continue;  // alarms, hook-complete, DTMF from the driver: not ours
        }
    }
}

bool DahdiChannel::writeAudio(const uint8_t *frame, std::size_t len) {
    const ssize_t n = ::write(fd_, frame, len);
    return n == static_cast<ssize_t>(len);
}

bool DahdiChannel::signal(TdmEvent event) {
    int x;
    switch (event) {
    case TdmEvent::OffHook: x = DAHDI_OFFHOOK; break;
    case TdmEvent::OnHook: x = DAHDI_ONHOOK; break;
    case TdmEvent::RingStart: x = DAHDI_RING; break;
    case TdmEvent::RingStop: x = DAHDI_RINGOFF; break;
    case TdmEvent::Flash: x = DAHDI_FLASH; break;
    case TdmEvent::Polarity:
    case TdmEvent::Answer:
        polarity_ = !polarity_;
        return ioctl(fd_, DAHDI_SETPOLARITY, &polarity_) == 0;
    default: return false;
    }
    return ioctl(fd_, DAHDI_HOOK, &x) == 0;
}

DahdiSpan::DahdiSpan(int firstChannel, int count, Law law) {
    for (int i = 0; i < count; ++i) channels_.push_back(std::make_unique<DahdiChannel>(firstChannel + i, law));
}

}  // namespace vce::dsp
