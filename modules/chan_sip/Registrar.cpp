// REGISTER: digest authentication, bindings per terminal, durable before 200 OK.
#include <sofia-sip/nta_tport.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tag.h>
#include <sofia-sip/tport.h>
#include <sofia-sip/url.h>

#include <algorithm>

#include "Engine.h"
#include "SipText.h"
#include "vce/Log.h"

namespace vce::sip {

namespace {

std::string url_text(const url_t *u) {
    char buf[1024];
    url_e(buf, sizeof buf, u);
    return buf;
}

// +sip.instance when the phone sends it, else the terminal's MAC (a "mac" parameter),
// else the contact itself.
std::string terminal_of(const sip_contact_t *m) {
    std::string inst = param(m->m_params, "+sip.instance");
    if (!inst.empty()) return inst;
    std::string mac = param(m->m_params, "mac");
    if (mac.empty() && m->m_url->url_params) {
        char v[64];
        if (url_param(m->m_url->url_params, "mac", v, sizeof v) > 0) mac = v;
    }
    if (!mac.empty()) return "mac:" + mac;
    return url_text(m->m_url);
}

void reply_contacts(Engine &e, nta_incoming_t *irq, const std::string &aor) {
    std::string list;
    int64_t t = e.now();
    for (const Binding &b : e.location().lookup(aor, t))
        list += (list.empty() ? "" : ", ") +
                ("<" + b.contact + ">;expires=" + std::to_string(b.expires_at - t));
    nta_incoming_treply(irq, 200, "OK", TAG_IF(!list.empty(), SIPTAG_CONTACT_STR(list.c_str())),
                        TAG_END());
    nta_incoming_destroy(irq);
}

}  // namespace

int Engine::handle_register(nta_incoming_t *irq, sip_t const *sip, const Source &src) {
    ++counters.registers;
    if (!sip->sip_to || !sip->sip_to->a_url->url_user) return 400;
    std::string aor = unescape_user(sip->sip_to->a_url->url_user);
    std::string user;
    if (cfg_.require_auth) {
        if (!authenticate(irq, sip, src, false, user)) return 0;
        if (user != aor) {
            log::security("register_forbidden", src.ip, src.port,
                          "user=" + printable(user) + " tried to register aor=" + printable(aor));
            nta_incoming_treply(irq, 403, "Forbidden", TAG_END());
            nta_incoming_destroy(irq);
            return 0;
        }
    }
    if (!sip->sip_contact) {  // a query
        reply_contacts(*this, irq, aor);
        return 0;
    }
    int64_t t = now();
    std::vector<LocationChange> changes;
    if (sip->sip_contact->m_url->url_type == url_any) {  // Contact: *
        if (!sip->sip_expires || sip->sip_expires->ex_delta != 0 || sip->sip_contact->m_next)
            return 400;
        changes = location_.plan_remove_all(aor);
    } else {
        std::vector<ContactUpdate> updates;
        for (const sip_contact_t *m = sip->sip_contact; m; m = m->m_next) {
            if (m->m_url->url_type == url_any) return 400;
            int expires = cfg_.default_expires;
            if (m->m_expires)
                expires = std::atoi(m->m_expires);
            else if (sip->sip_expires)
                expires = static_cast<int>(sip->sip_expires->ex_delta);
            if (expires > 0 && expires < cfg_.min_expires) {
                std::string min = std::to_string(cfg_.min_expires);
                nta_incoming_treply(irq, 423, "Interval Too Brief",
                                    SIPTAG_MIN_EXPIRES_STR(min.c_str()), TAG_END());
                nta_incoming_destroy(irq);
                return 0;
            }
            expires = std::min(expires, cfg_.max_expires);
            // Behind NAT over UDP: a short expiry, so that the phone's REGISTERs keep its NAT
            // binding open (nat_max_expires, like Kamailio's nathelper).
            if (cfg_.nat_max_expires > 0 && src.transport == "udp" && expires > 0) {
                Binding probe;
                probe.contact = url_text(m->m_url);
                probe.received = src.hostport();
                probe.transport = src.transport;
                if (!next_hop(probe).empty()) expires = std::min(expires, cfg_.nat_max_expires);
            }
            updates.push_back({terminal_of(m), url_text(m->m_url), expires});
        }
        Binding base;
        base.aor = aor;
        base.received = src.hostport();
        base.transport = src.transport;
        base.user_agent = sip->sip_user_agent && sip->sip_user_agent->g_string
                              ? sip->sip_user_agent->g_string
                              : "";
        base.call_id = sip->sip_call_id ? sip->sip_call_id->i_id : "";
        base.cseq = sip->sip_cseq ? sip->sip_cseq->cs_seq : 0;
        changes = location_.plan(base, updates, t, cfg_.max_contacts);
    }
    if (changes.empty()) {
        reply_contacts(*this, irq, aor);
        return 0;
    }
    std::vector<SqlWrite> writes;
    bool online = false;
    for (const auto &ch : changes) {
        const Binding &b = ch.binding;
        if (ch.kind == LocationChange::Remove) {
            writes.push_back({"DELETE FROM bindings WHERE aor = $1 AND terminal_id = $2",
                              {b.aor, b.terminal_id}});
            continue;
        }
        online = true;
        writes.push_back(
            {"INSERT INTO bindings (aor, terminal_id, contact, received, transport, expires_at, "
             "user_agent, "
             "call_id, cseq, node, updated_at) VALUES ($1, $2, $3, $4, $5, to_timestamp($6), $7, "
             "$8, $9, "
             "$10, now()) ON CONFLICT (aor, terminal_id) DO UPDATE SET contact = EXCLUDED.contact, "
             "received = EXCLUDED.received, transport = EXCLUDED.transport, expires_at = "
             "EXCLUDED.expires_at, user_agent = EXCLUDED.user_agent, call_id = EXCLUDED.call_id, "
             "cseq = "
             "EXCLUDED.cseq, node = EXCLUDED.node, updated_at = now()",
             {b.aor, b.terminal_id, b.contact, b.received, b.transport,
              std::to_string(b.expires_at), b.user_agent, b.call_id, std::to_string(b.cseq),
              host_node_}});
    }
    // 200 OK only once the binding is durable; 503 when PostgreSQL cannot take it.
    persist(std::move(writes), [this, irq, changes, aor, online](int status) {
        if (status == 0) {
            location_.apply(changes);
            for (const auto &ch : changes) {
                const std::string key = ch.binding.aor + "\n" + ch.binding.terminal_id;
                if (ch.kind == LocationChange::Remove)
                    connections_.erase(key);
                else if (ch.binding.transport == "tcp" || ch.binding.transport == "tls")
                    watch_connection(irq, ch.binding);
                else
                    connections_.erase(key);  // the same terminal, now over UDP
            }
            ++counters.register_ok;
            reply_contacts(*this, irq, aor);
            if (online) deliver_queued_messages(aor);
            return;
        }
        if (status == 503)
            nta_incoming_treply(irq, 503, "Service Unavailable", SIPTAG_RETRY_AFTER_STR("10"),
                                TAG_END());
        else
            nta_incoming_treply(irq, 500, "Server Internal Error", TAG_END());
        nta_incoming_destroy(irq);
    });
    return 0;
}

void Engine::watch_connection(nta_incoming_t *irq, const Binding &b) {
    const std::string key = b.aor + "\n" + b.terminal_id;
    auto it = connections_.find(key);
    if (it != connections_.end() && it->second.received == b.received && it->second.watch &&
        it->second.watch->watching())
        return;  // a refresh over the same connection
    tport_t *tp = nta_incoming_transport(agent_, irq, nullptr);
    auto watch = std::make_unique<ConnectionWatch>(
        tp, [this, key, b] { loop_.post([this, key, b] { connection_closed(key, b); }); });
    if (tp) tport_unref(tp);
    if (!watch->watching()) {
        VCE_LOG_WARNING("SIP: %s terminal %s at %s: its %s connection cannot be watched",
                        printable(b.aor).c_str(), printable(b.terminal_id).c_str(),
                        b.received.c_str(), b.transport.c_str());
        connections_.erase(key);
        return;
    }
    connections_[key] = WatchedConnection{b.received, std::move(watch)};
}

// The connection a binding was registered over has closed: the phone can no longer be
// reached there (over TLS it could not be reached any other way), so the binding goes.
void Engine::connection_closed(const std::string &key, const Binding &gone) {
    auto it = connections_.find(key);
    if (it == connections_.end() || it->second.received != gone.received) return;
    connections_.erase(it);
    for (const Binding &b : location_.lookup(gone.aor, now())) {
        if (b.terminal_id != gone.terminal_id || b.received != gone.received ||
            b.transport != gone.transport)
            continue;
        location_.apply({LocationChange{LocationChange::Remove, b}});
        persist_async({"DELETE FROM bindings WHERE aor = $1 AND terminal_id = $2 AND received = $3",
                       {b.aor, b.terminal_id, b.received}});
        VCE_LOG_NOTICE("SIP: %s terminal %s at %s: its %s connection closed: binding removed",
                       printable(b.aor).c_str(), printable(b.terminal_id).c_str(),
                       b.received.c_str(), b.transport.c_str());
        break;
    }
}

}  // namespace vce::sip
