// The service "sip_messages" (vce/ShortMessages.h): res_sms's messages for SIP phones go out
// as MESSAGE from the first SIP thread; the final status comes back on the core thread.
#pragma once

#include <atomic>
#include <string>

#include "Engine.h"
#include "LocationOffer.h"
#include "vce/Host.h"
#include "vce/ShortMessages.h"

namespace vce::sip {

class MessageOffer : public SipMessageSender {
public:
    MessageOffer(Host &host, Engine &engine) : host_(host), engine_(engine) {}

    void send(const ShortMessage &m, const TerminalBinding &t,
              std::function<void(int status)> done) override {
        Binding b = binding_of(t);
        Host &host = host_;
        auto finish = [&host, done](int st) { host.post([done, st] { done(st); }); };
        std::string call_id = "vce-sms-" + host_.node() + "-" + std::to_string(++sent_) + "-" +
                              std::to_string(time(nullptr));
        Engine &e = engine_;
        if (!engine_.post([&e, b, m, call_id, finish] {
                e.send_message(b, m.from, m.content_type, m.body, call_id, finish);
            }))
            finish(503);
    }

private:
    Host &host_;
    Engine &engine_;
    std::atomic<unsigned long> sent_{0};
};

}  // namespace vce::sip
