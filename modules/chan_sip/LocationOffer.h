// The location store offered to other modules as the service "location" (vce/LocationService.h):
// res_sms keeps its framed terminals' bindings here. Any thread; the store locks for itself.
#pragma once

#include <ctime>

#include "Location.h"
#include "vce/LocationService.h"

namespace vce::sip {

// A binding handed over by another module, as the store keeps it.
inline Binding binding_of(const TerminalBinding &t) {
    Binding b;
    b.aor = t.aor;
    b.terminal_id = t.terminal_id;
    b.contact = t.contact;
    b.received = t.received;
    b.transport = t.transport;
    b.user_agent = t.user_agent;
    b.expires_at = t.expires_at;
    return b;
}

class LocationOffer : public LocationService {
public:
    explicit LocationOffer(LocationStore &store) : store_(store) {}

    std::vector<TerminalBinding> bindings(const std::string &aor) override {
        std::vector<TerminalBinding> out;
        for (const Binding &b : store_.lookup(aor, time(nullptr)))
            out.push_back({b.aor, b.terminal_id, b.contact, b.received, b.transport, b.user_agent,
                           b.expires_at});
        return out;
    }
    void bind(const TerminalBinding &t) override { store_.put(binding_of(t)); }
    void unbind(const std::string &aor, const std::string &terminal_id) override {
        TerminalBinding t;
        t.aor = aor;
        t.terminal_id = terminal_id;
        store_.apply({{LocationChange::Remove, binding_of(t)}});
    }

private:
    LocationStore &store_;
};

}  // namespace vce::sip
