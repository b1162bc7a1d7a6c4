// The location service: where each registered terminal of a number can be reached.
// Pure logic, shared by the SIP threads (every method locks); the registrar persists its
// changes first.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace vce::sip {

struct Binding;
// Where to send requests for a binding: "" = the contact itself; else "sip:IP:PORT;transport=X",
// the address the REGISTER came from, when NAT rewrote the contact's IP on the way (the
// contact's host differs from the source address). Same IP, other port: the phone named
// its own listening port (or a third party registered it), so the contact is used. Over TCP
// or TLS always the address the REGISTER came from: the phone's connection.
std::string next_hop(const Binding &b);
// The binding as a URI reachable from elsewhere (a 302's Contact in redirect mode): the
// contact, or when NAT rewrote it (next_hop not empty), its user at the address the REGISTER
// came from.
std::string reachable_contact(const Binding &b);

struct Binding {
    std::string aor;          // account username (the number)
    std::string terminal_id;  // +sip.instance, else the terminal's MAC, else the contact
    std::string contact;      // Contact URI as the phone sent it
    std::string received;     // "ip:port" the REGISTER really came from (NAT)
    std::string transport;    // udp / tcp / tls
    std::string user_agent;
    std::string call_id;
    uint32_t cseq = 0;
    int64_t expires_at = 0;  // unix seconds
};

// One contact of a REGISTER, already parsed.
struct ContactUpdate {
    std::string terminal_id, contact;
    int expires = 0;  // 0 removes
};

struct LocationChange {
    enum Kind { Upsert, Remove } kind;
    Binding binding;
};

class LocationStore {
public:
    // What a REGISTER changes: upserts for contacts with expires > 0, removes for 0,
    // and removes of the oldest bindings beyond max_contacts (0 = no limit).
    // `base` carries the fields common to every contact (aor, received, transport, ...).
    std::vector<LocationChange> plan(const Binding &base,
                                     const std::vector<ContactUpdate> &contacts, int64_t now,
                                     size_t max_contacts) const;
    // Contact: * with Expires: 0 — every binding of the aor.
    std::vector<LocationChange> plan_remove_all(const std::string &aor) const;

    void apply(const std::vector<LocationChange> &changes);
    void put(const Binding &b);  // loading from the database

    // Live bindings of an aor, newest first.
    std::vector<Binding> lookup(const std::string &aor, int64_t now) const;
    // Drops expired bindings and returns them (the caller deletes them from the database).
    std::vector<Binding> expire(int64_t now);

    size_t aor_count() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return by_aor_.size();
    }
    size_t binding_count() const;
    std::vector<std::string> aors() const;

private:
    void put_locked(const Binding &b);
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::vector<Binding>> by_aor_;
};

}  // namespace vce::sip
