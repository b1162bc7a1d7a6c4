// chan_tdm: the TDM channel driver of the edge box (module entry, channel technology "TDM",
// vcectl tdm commands). The work happens on the TDM thread in TdmEngine.
#include <memory>

#include "TdmConfig.h"
#include "TdmEngine.h"
#include "vce/Channels.h"
#include "vce/DialplanService.h"
#include "vce/Host.h"
#include "vce/Log.h"
#include "vce/Module.h"

namespace vce::tdm {
namespace {

#ifdef HAVE_DAHDI_USER_H
constexpr bool kDahdi = true;
#else
constexpr bool kDahdi = false;
#endif

const char *const kCommands[] = {"tdm show spans", "tdm show channels"};

// Dial(TDM/<group>/<number>) for other modules' calls: the leg is placed and reports
// Ringing/Answered/Failed/Ended on the TDM thread. A request with an SDP offer gets RTP media
// (RtpBridge), bridged to the line; the SDP answer travels in the Answered event.
class TdmTech : public ChannelTech {
public:
    explicit TdmTech(TdmEngine &e) : engine_(e) {}
    unsigned long dial(const DialRequest &req, Events events) override {
        return engine_.dial(req, std::move(events));
    }
    void hangup(unsigned long handle) override { engine_.hangup(handle); }

private:
    TdmEngine &engine_;
};

class ChanTdm : public Module {
public:
    ChanTdm(Host &host, std::unique_ptr<TdmEngine> engine, ChannelRegistry *channels)
        : host_(host), engine_(std::move(engine)), tech_(*engine_), channels_(channels) {
        engine_->start();
        if (channels_ && !channels_->add("TDM", &tech_))
            VCE_LOG_WARNING("chan_tdm: another module already registered channel technology TDM");
        else
            registered_ = channels_ != nullptr;
        auto reply = [&host](std::shared_ptr<CliRequest> r) {
            return [&host, r](std::string text) { host.post([r, text] { r->reply(0, text); }); };
        };
        host_.register_cli({"tdm show spans", "tdm show spans",
                            "TDM spans: type, signalling, channels attached",
                            [this, reply](auto r) { engine_->show_spans(reply(r)); }});
        host_.register_cli({"tdm show channels", "tdm show channels",
                            "TDM channels: state, digits, peer, last outcome",
                            [this, reply](auto r) { engine_->show_channels(reply(r)); }});
        VCE_LOG_NOTICE("chan_tdm: %zu spans, country %s", engine_->config().spans.size(),
                       engine_->config().country.c_str());
    }

    std::string busy() const override {
        const long n = registered_ ? channels_->users("TDM") : 0;
        return n ? std::to_string(n) + " call(s) of another module hold channel technology TDM"
                 : "";
    }

    ~ChanTdm() override {
        for (const char *c : kCommands) host_.unregister_cli(c);
        if (registered_) channels_->remove("TDM");
        engine_.reset();  // joins the TDM thread, releases the lines
    }

private:
    Host &host_;
    std::unique_ptr<TdmEngine> engine_;
    TdmTech tech_;
    ChannelRegistry *channels_;
    bool registered_ = false;
};

Module *load(Host &host, std::string &why) {
    auto *dialplan = host.service<DialplanService>(services::kDialplan);
    if (!dialplan) {
        why = "the core offers no dialplan service";
        return nullptr;
    }
    auto *channels = host.service<ChannelRegistry>(services::kChannels);
    try {
        TdmConfig cfg = parse_tdm_config(host.config("tdm.conf"), kDahdi);
        if (cfg.spans.empty()) {
            why = host.confdir() + "/tdm.conf defines no span";
            return nullptr;
        }
        auto engine = std::make_unique<TdmEngine>(std::move(cfg), dialplan, channels);
        return new ChanTdm(host, std::move(engine), channels);
    } catch (const std::exception &e) {  // ConfigError (file:line) or a span that cannot open
        why = e.what();
        return nullptr;
    }
}

const ModuleInfo info = {
    kModuleAbi, "chan_tdm", "TDM channel driver: FXS phones and FXO trunks (virtual, DAHDI)",
    50,         nullptr,    nullptr,
    load};

}  // namespace
}  // namespace vce::tdm

VCE_MODULE(vce::tdm::info)
