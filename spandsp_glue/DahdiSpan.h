// The DAHDI TDM backend (built only when configure finds dahdi/user.h): channels opened on
// /dev/dahdi/channel with DAHDI_SPECIFY, 160-sample blocks, A-law or μ-law, hook/ring by
// DAHDI_HOOK, events read with DAHDI_GETEVENT when poll() reports POLLPRI.
// Errors: constructors throw std::runtime_error naming the device, the channel and the step
// that failed, with a hint; read/write/signal report failure in their return value.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "spandsp_glue/TdmChannel.h"

namespace vce::dsp {

inline constexpr const char *kDahdiChannelDevice = "/dev/dahdi/channel";

// The pure parts, testable without hardware.
//
// The role of a DAHDI channel from its signalling type (dahdi_params.sigtype): a port that
// powers a phone uses FXO signalling towards it (FXS port), a trunk port uses FXS signalling
// (FXO port). nullopt for anything else (unconfigured, E&M, clear channel, ISDN...).
std::optional<ChannelRole> dahdiRoleOfSigtype(int sigtype);
// What a DAHDI event (DAHDI_GETEVENT) means on a channel of `role`; TdmEvent::None for events
// that are not line signalling for us (alarms, our own ringer's cadence, DTMF/pulse digits
// from the driver, echo canceller and fax notices...).
// `ringBegin`: the driver reports DAHDI_EVENT_RINGBEGIN when ringing starts (RINGBEGIN in
// dahdi_config.h, as in Debian's); then DAHDI_EVENT_RINGOFFHOOK on a trunk marks the end of
// a ring burst, otherwise it is the only ring indication.
TdmEvent dahdiEventToTdm(int dahdiEvent, ChannelRole role, bool ringBegin = true);
// "DAHDI_EVENT_RINGOFFHOOK", or "DAHDI event 1234" for a value the header does not name.
std::string dahdiEventName(int dahdiEvent);
// True when the driver says the channel went away (DAHDI_EVENT_REMOVED).
bool dahdiEventIsRemoval(int dahdiEvent);

class DahdiChannel : public TdmChannel {
public:
    // Opens DAHDI channel `channo` (global number), `number` within its span (1-based).
    // `expectRole`: refuse a channel whose DAHDI signalling is for the other role.
    DahdiChannel(int channo, int number, Law law, const std::string &device = kDahdiChannelDevice,
                 std::optional<ChannelRole> expectRole = std::nullopt);
    ~DahdiChannel() override;
    DahdiChannel(const DahdiChannel &) = delete;
    DahdiChannel &operator=(const DahdiChannel &) = delete;

    int fd() const override { return fd_; }
    short pollEvents() const override;
    int number() const override { return number_; }
    int channo() const { return channo_; }
    Law law() const override { return law_; }
    ChannelRole role() const override { return role_; }
    ReadStatus read(uint8_t *frame, std::size_t cap, std::size_t &len, TdmEvent &event) override;
    bool writeAudio(const uint8_t *frame, std::size_t len) override;
    bool signal(TdmEvent event) override;

private:
    int fd_ = -1;
    int channo_;
    int number_;
    Law law_;
    ChannelRole role_ = ChannelRole::Fxo;
    int polarity_ = 0;
};

// Channels first..first+count-1 of one span (global DAHDI numbers), as channels 1..count.
class DahdiSpan {
public:
    DahdiSpan(int firstChannel, int count, Law law,
              std::optional<ChannelRole> expectRole = std::nullopt,
              const std::string &device = kDahdiChannelDevice);
    int channels() const { return static_cast<int>(channels_.size()); }
    DahdiChannel *channel(int index1) {
        return channels_.at(static_cast<std::size_t>(index1 - 1)).get();
    }

private:
    std::vector<std::unique_ptr<DahdiChannel>> channels_;
};

}  // namespace vce::dsp
