// chan_sip: the SIP module. Starts the SIP thread (sofia-sip) with the registrar, the
// call proxy and the message relay; restores bindings from PostgreSQL at start; registers the
// channel technology "SIP" (other modules' callers dial SIP phones); adds the `sip show ...`
// commands.
#include <fcntl.h>
#include <unistd.h>

#include <memory>

#include "CallIdSteering.h"
#include "Engine.h"
#include "LocationOffer.h"
#include "MessageOffer.h"
#include "SipChannel.h"
#include "SofiaLog.h"
#include "vce/Channels.h"
#include "vce/Database.h"
#include "vce/DialplanService.h"
#include "vce/HealthService.h"
#include "vce/Host.h"
#include "vce/Log.h"
#include "vce/Module.h"
#include "vce/ReusePort.h"

namespace vce::sip {
namespace {

std::string random_secret() {
    unsigned char buf[24] = {};
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void)!read(fd, buf, sizeof buf);
        close(fd);
    }
    std::string s;
    for (unsigned char c : buf) s += "0123456789abcdef"[c >> 4], s += "0123456789abcdef"[c & 15];
    return s;
}

class ChanSip : public Module {
public:
    ChanSip(Host &host, SipConfig cfg) : host_(host), cfg_(cfg) {
        shared_ = std::make_shared<SharedSipState>(cfg, random_secret());
        for (int i = 0; i < cfg.workers; ++i)
            engines_.push_back(
                std::make_unique<Engine>(host, cfg, shared_, static_cast<unsigned>(i)));
        engine_ = engines_.front().get();
    }
    std::string start() {
        if (cfg_.media.mode != MediaRelayMode::Never) {
            shared_->media_relay = host_.service<MediaRelayService>(services::kMediaRelay);
            if (!shared_->media_relay) {
                media::RelaySettings rs;
                rs.bind_address = cfg_.media.bind_address;
                rs.advertise = cfg_.media.address;
                rs.port_first = cfg_.media.port_first;
                rs.port_last = cfg_.media.port_last;
                rs.threads = cfg_.media.threads;
                try {
                    shared_->own_media_relay = std::make_unique<media::MediaRelay>(rs);
                } catch (const std::exception &e) {
                    return std::string("SIP: ") + e.what();
                }
                shared_->media_relay = shared_->own_media_relay.get();
            }
        }
        // Several SIP threads share the port: every UDP socket bound to it joins one
        // SO_REUSEPORT group, steered by Call-ID.
        if (cfg_.workers > 1)
            net::reuseport_expect(cfg_.bind_ip, cfg_.port,
                                  call_id_steering_candidates(static_cast<unsigned>(cfg_.workers)));
        for (auto &e : engines_) {
            std::string err = e->start();
            if (!err.empty()) {
                stop_engines();
                return err;
            }
        }
        Database *db = host_.service<Database>(services::kDatabase);
        if (db) {
            conn_sub_ = db->on_connection([this](bool up) {
                if (up && !restored_) restore();
            });
            if (db->connected()) restore();
        }
        // Dial(SIP/...) from other technologies' callers (TDM lines).
        if (auto *reg = host_.service<ChannelRegistry>(services::kChannels)) {
            channel_ = std::make_unique<SipChannel>(*engine_);
            if (reg->add("SIP", channel_.get()))
                registered_ = true;
            else
                VCE_LOG_WARNING("SIP: another module already owns the channel technology SIP");
        }
        host_.register_cli({"sip show registrations", "sip show registrations [NUMBER]",
                            "registered terminals (all, or of one number)", [this](auto r) {
                                std::string aor = r->args().empty() ? "" : r->args()[0];
                                engine_->show_registrations(aor, [this, r](std::string text) {
                                    host_.post([r, text] { r->reply(0, text); });
                                });
                            }});
        host_.register_cli(
            {"sip show status", "sip show status", "SIP listener and counters", [this](auto r) {
                 engine_->show_status(
                     [this, r](std::string text) { host_.post([r, text] { r->reply(0, text); }); });
             }});
        host_.register_cli({"sip show upstream", "sip show upstream",
                            "our registrations at upstream exchanges", [this](auto r) {
                                engine_->show_upstream([this, r](std::string text) {
                                    host_.post([r, text] { r->reply(0, text); });
                                });
                            }});
        host_.register_cli({"sip show centres", "sip show centres",
                            "health of the other centres and trunk gateways (OPTIONS)",
                            [this](auto r) { r->reply(0, engine_->show_centres()); }});
        // Route() skips the centres that stopped answering.
        health_provided_ =
            host_.provide<HealthService>(services::kSipHealth, &shared_->centre_health);
        if (!health_provided_)
            VCE_LOG_WARNING("SIP: another module already provides the \"%s\" service",
                            services::kSipHealth);
        // res_sms's framed terminals bind here too.
        location_offer_ = std::make_unique<LocationOffer>(shared_->location);
        location_provided_ =
            host_.provide<LocationService>(services::kLocation, location_offer_.get());
        message_offer_ = std::make_unique<MessageOffer>(host_, *engine_);
        messages_provided_ =
            host_.provide<SipMessageSender>(services::kSipMessages, message_offer_.get());
        host_.register_cli({"sip show security", "sip show security",
                            "blocked sources and throttled accounts (password guessing)",
                            [this](auto r) {
                                engine_->show_security([this, r](std::string text) {
                                    host_.post([r, text] { r->reply(0, text); });
                                });
                            }});
        // ${UPSTREAM(name)}: registered, partial, failing, stopped; "" for no such upstream.
        // Set(UPSTREAM(name)=retry) sends its failing registrations again at once.
        if (auto *dp = host_.service<DialplanService>(services::kDialplan)) {
            std::weak_ptr<SharedSipState> shared = shared_;
            function_ = dp->registry().add_function(
                "UPSTREAM", {[shared](dialplan::Execution &, const std::vector<std::string> &a) {
                                 auto s = shared.lock();
                                 return s && !a.empty() ? s->upstream_states.get(a[0])
                                                        : std::string();
                             },
                             // Set(UPSTREAM(name)=retry): register again at once if failing.
                             [shared](dialplan::Execution &, const std::vector<std::string> &a,
                                      const std::string &value) {
                                 auto s = shared.lock();
                                 if (s && a.size() == 1 && value == "retry")
                                     s->upstream_states.retry(a[0]);
                             }});
        }
        return "";
    }
    std::string busy() const override {
        auto *reg = host_.service<ChannelRegistry>(services::kChannels);
        const long n = reg && registered_ ? reg->users("SIP") : 0;
        return n ? std::to_string(n) + " call(s) of another module hold channel technology SIP"
                 : "";
    }

    ~ChanSip() override {
        host_.unregister_cli("sip show registrations");
        host_.unregister_cli("sip show status");
        host_.unregister_cli("sip show upstream");
        host_.unregister_cli("sip show security");
        host_.unregister_cli("sip show centres");
        if (health_provided_) host_.withdraw(services::kSipHealth);
        if (location_provided_) host_.withdraw(services::kLocation);
        if (messages_provided_) host_.withdraw(services::kSipMessages);
        if (function_)
            if (auto *dp = host_.service<DialplanService>(services::kDialplan))
                dp->registry().remove_function("UPSTREAM");
        if (Database *db = host_.service<Database>(services::kDatabase))
            db->off_connection(conn_sub_);
        if (registered_)
            if (auto *reg = host_.service<ChannelRegistry>(services::kChannels)) reg->remove("SIP");
        if (channel_) channel_->close();  // calls end while the agent still runs
        stop_engines();
        channel_.reset();
        sofia_log::uninstall();  // the SIP threads are gone; our logger is about to be unloaded
    }

private:
    void stop_engines() {
        for (auto it = engines_.rbegin(); it != engines_.rend(); ++it) (*it)->stop();
        if (cfg_.workers > 1) net::reuseport_forget(cfg_.bind_ip, cfg_.port);
    }
    // Bindings survive a restart: read the live ones back, drop the expired.
    void restore() {
        Database *db = host_.service<Database>(services::kDatabase);
        if (!db) return;
        restored_ = true;
        db->write("DELETE FROM bindings WHERE expires_at <= now()", {}, nullptr);
        db->query_rows(
            "SELECT aor, terminal_id, contact, received, transport, extract(epoch FROM "
            "expires_at)::bigint, "
            "coalesce(user_agent, ''), coalesce(call_id, ''), coalesce(cseq, 0) FROM bindings "
            "WHERE expires_at > now()",
            {}, [this](SqlRowsResult r) {
                if (!r.ok) {
                    restored_ = false;
                    return VCE_LOG_ERROR("SIP: cannot restore bindings: %s", r.error.c_str());
                }
                // Read on the SIP thread that stores them, not here on the core thread.
                engine_->load_bindings(std::move(r.rows));
            });
    }

    Host &host_;
    SipConfig cfg_;
    std::shared_ptr<SharedSipState> shared_;
    std::vector<std::unique_ptr<Engine>> engines_;
    Engine *engine_ =
        nullptr;  // the first SIP thread: CLI views, restored bindings, outgoing calls
    std::unique_ptr<SipChannel> channel_;
    bool registered_ = false;
    int conn_sub_ = 0;
    bool restored_ = false;
    bool function_ = false;  // UPSTREAM() is ours to remove
    bool health_provided_ = false;
    std::unique_ptr<LocationOffer> location_offer_;
    bool location_provided_ = false;
    std::unique_ptr<MessageOffer> message_offer_;
    bool messages_provided_ = false;
};

Module *load(Host &host, std::string &why) {
    try {
        SipConfig cfg = SipConfig::from(host.config("sip.conf"));
        sofia_log::install();
        auto m = std::make_unique<ChanSip>(host, cfg);
        why = m->start();
        if (!why.empty()) return nullptr;  // ~ChanSip has put sofia's log back
        return m.release();
    } catch (const ConfigError &e) {
        why = e.what();
        return nullptr;
    }
}

const char *const kRequires[] = {"res_pgsql", nullptr};
// chan_tdm first (and unloaded after us): gateway legs hang up through it at our unload.
const char *const kOptional[] = {"app_route", "chan_tdm", nullptr};
const ModuleInfo info = {
    kModuleAbi, "chan_sip", "SIP registrar, call proxy and message relay (sofia-sip)",
    30,         kRequires,  kOptional,
    load};

}  // namespace
}  // namespace vce::sip

VCE_MODULE(vce::sip::info)
