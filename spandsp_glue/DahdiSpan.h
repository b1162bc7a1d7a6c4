// The DAHDI TDM backend (built only when configure finds dahdi/user.h): channels opened on
// /dev/dahdi/channel with DAHDI_SPECIFY, 160-sample blocks, A-law or μ-law, hook/ring by
// DAHDI_HOOK, events read with DAHDI_GETEVENT when poll() reports POLLPRI.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "spandsp_glue/TdmChannel.h"

namespace vce::dsp {

class DahdiChannel : public TdmChannel {
public:
    // Opens DAHDI channel `channo` (global number). Throws std::runtime_error naming the
    // channel and the failing ioctl.
    DahdiChannel(int channo, Law law, const std::string &device = "/dev/dahdi/channel");
    ~DahdiChannel() override;
    DahdiChannel(const DahdiChannel &) = delete;
    DahdiChannel &operator=(const DahdiChannel &) = delete;

    int fd() const override { return fd_; }
    short pollEvents() const override;
    int number() const override { return channo_; }
    Law law() const override { return law_; }
    ChannelRole role() const override { return role_; }
    ReadStatus read(uint8_t *frame, std::size_t cap, std::size_t &len, TdmEvent &event) override;
    bool writeAudio(const uint8_t *frame, std::size_t len) override;
    bool signal(TdmEvent event) override;

private:
    int fd_ = -1;
    int channo_;
    Law law_;
    ChannelRole role_ = ChannelRole::Fxo;
    int polarity_ = 0;
};

// Channels first..first+count-1 of one span.
class DahdiSpan {
public:
    DahdiSpan(int firstChannel, int count, Law law);
    int channels() const { return static_cast<int>(channels_.size()); }
    DahdiChannel *channel(int index1) { return channels_.at(static_cast<std::size_t>(index1 - 1)).get(); }

private:
    std::vector<std::unique_ptr<DahdiChannel>> channels_;
};

}  // namespace vce::dsp
