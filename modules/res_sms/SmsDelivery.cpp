// The short-message server's delivery (core thread): the gatekeeper's answer for the callee
// (router, then location store), the message to every binding (framed terminals in VSMS/1,
// SIP phones as MESSAGE through chan_sip), reports, and the offline store in queued_messages.
#include <ctime>

#include "modules/res_sms/Hex.h"
#include "modules/res_sms/SmsServerParts.h"
#include "vce/Database.h"
#include "vce/Host.h"
#include "vce/Log.h"
#include "vce/RouteService.h"

namespace vce::sms {

namespace {

std::string ip_of(const std::string &hostport) {
    return hostport.substr(0, hostport.rfind(':'));
}

}  // namespace

Frame SmsServer::message_frame(const ShortMessage &m, const std::string &id) {
    Frame f;
    f.id = id;
    f.from = m.from;
    f.to = m.to;
    f.content_type = m.content_type;
    f.body = m.body;
    return f;
}

void SmsServer::on_message(const Origin &from, const Frame &f) {
    ++counters_.messages;
    auto s = sessions_.find(session_key(from));
    bool member = s != sessions_.end() && !s->second->number.empty();
    bool trusted = !member && router_.peer_at(ip_of(from.text)).has_value();
    if (!member && !trusted)
        return send(from, error_frame("403", "register first: only members may send", f.id));
    if (member && f.from != s->second->number)
        return send(from, error_frame("403", "From must be the number you registered", f.id));
    if (!rate_.take(f.from, time(nullptr))) {
        ++counters_.rate_limited;
        return report(from, f.id, "refused", "rate limit: too many messages, try later");
    }
    // The gatekeeper's answer (the seed's ARQ -> ACF): the router names the callee, the
    // location store gives its addresses.
    routing::Decision d = router_.route(f.to, f.from);
    if (!d.ok()) {
        ++counters_.refused;
        return report(from, f.id, "refused", d.reason.empty() ? "cannot route " + f.to : d.reason);
    }
    std::string res = d.target.rfind("SIP/", 0) == 0 ? d.target.substr(4) : "";
    if (d.cls == routing::RouteClass::RemoteCentre && res.find('/') != std::string::npos)
        return to_centre(from, f, res);
    if (res.empty() || res.find('/') != std::string::npos) {
        ++counters_.refused;
        return report(from, f.id, "refused", "short messages cannot reach " + f.to);
    }
    if (res == cfg_.number) {
        ++counters_.refused;
        return report(from, f.id, "refused", "the message server takes no messages itself");
    }
    ShortMessage m{f.from, res, f.content_type, f.body};
    std::string sender_id = f.id;
    dispatch(m, false, [this, m, from, sender_id](Result result, const std::string &reason) {
        if (result == Result::Unreachable) return store(m, from, sender_id, reason);
        if (result == Result::Refused) {
            ++counters_.refused;
            return report(from, sender_id, "refused", reason);
        }
        ++counters_.delivered;
        report(from, sender_id, "delivered", "");
    });
}

// Our number served by another country's centre: a SIP MESSAGE to that centre, which
// delivers it to the callee's terminals (framed ones through its own res_sms); its answer is
// the report: 200 delivered, 202 stored there, anything else refused.
void SmsServer::to_centre(const Origin &from, const Frame &f, const std::string &res) {
    auto *sip = host_.service<SipMessageSender>(services::kSipMessages);
    const size_t slash = res.find('/');
    const std::string host = res.substr(0, slash), user = res.substr(slash + 1);
    if (!sip) {
        ++counters_.refused;
        return report(from, f.id, "refused", "no SIP to reach the centre of " + f.to);
    }
    TerminalBinding centre;
    centre.aor = user;
    centre.contact = "sip:" + user + "@" + host;
    centre.transport = "udp";
    ShortMessage m{f.from, user, f.content_type, f.body};
    std::string id = f.id;
    sip->send(m, centre, life_.guard([this, from, id, host](int status) {
        if (status == 202) return report(from, id, "stored", "stored at the centre " + host);
        if (status >= 200 && status < 300) {
            ++counters_.delivered;
            return report(from, id, "delivered", "");
        }
        ++counters_.refused;
        report(from, id, "refused", "the centre " + host + " answered " + std::to_string(status));
    }));
}

void SmsServer::deliver(const ShortMessage &m, std::function<void(int status)> done) {
    dispatch(m, true, [done](Result result, const std::string &) {
        done(result == Result::Delivered ? 200 : result == Result::Refused ? 403 : 480);
    });
}

void SmsServer::dispatch(const ShortMessage &m, bool framed_only, Outcome done) {
    auto p = std::make_unique<Pending>();
    p->server = this;
    p->id = "s" + std::to_string(next_pending_++);
    p->callee = m.to;
    p->done = std::move(done);
    p->last_reason = m.to + " is not reachable now";
    const std::string id = p->id;
    Frame out = message_frame(m, id);
    auto *sip = host_.service<SipMessageSender>(services::kSipMessages);
    std::vector<TerminalBinding> sip_phones;
    for (const TerminalBinding &b : location_.bindings(m.to)) {
        if (b.contact.rfind("vsms:", 0) == 0) {
            if (b.terminal_id != "vce-sms-server" && send_to_binding(b.transport, b.received, out))
                ++p->legs;
        } else if (!framed_only && sip) {
            sip_phones.push_back(b);
            ++p->legs;
        }
    }
    if (p->legs == 0) return p->done(Result::Unreachable, p->last_reason);
    p->timer.reset(evtimer_new(
        host_.loop(),
        [](int, short, void *arg) {
            auto *pd = static_cast<Pending *>(arg);
            pd->legs = 1;  // a timeout ends the whole delivery, not one leg
            pd->server->leg_done(pd->id, Result::Unreachable,
                                 "no terminal of " + pd->callee + " answered");
        },
        p.get()));
    timeval t{cfg_.delivery_timeout, 0};
    evtimer_add(p->timer.get(), &t);
    pending_[id] = std::move(p);
    for (const TerminalBinding &b : sip_phones)
        sip->send(m, b, life_.guard([this, id](int status) {
            Result r = status < 300 ? Result::Delivered
                       : status == 408 || status == 480 || (status >= 500 && status < 600)
                           ? Result::Unreachable
                           : Result::Refused;
            leg_done(id, r, "the SIP phone answered " + std::to_string(status));
        }));
}

// A framed binding's address: its TCP connection (gone with it), or its UDP address.
bool SmsServer::send_to_binding(const std::string &transport, const std::string &received,
                                const Frame &f) {
    if (transport == "vsms-tcp") {
        auto it = link_by_addr_.find(received);
        if (it == link_by_addr_.end()) return false;
        Origin o;
        o.link = it->second;
        send(o, f);
        return true;
    }
    Origin o;
    int len = sizeof o.addr;
    if (evutil_parse_sockaddr_port(received.c_str(), reinterpret_cast<sockaddr *>(&o.addr), &len) !=
        0)
        return false;
    o.len = len;
    send(o, f);
    return true;
}

// One terminal's answer: the first success counts; the last failure ends it.
void SmsServer::leg_done(const std::string &pending_id, Result result, const std::string &reason) {
    auto it = pending_.find(pending_id);
    if (it == pending_.end()) return;  // already decided
    Pending &p = *it->second;
    if (!reason.empty()) p.last_reason = reason;
    if (result == Result::Unreachable) p.unreachable = true;
    if (result != Result::Delivered && --p.legs > 0) return;
    std::unique_ptr<Pending> done = std::move(it->second);
    pending_.erase(it);
    if (result != Result::Delivered)
        result = done->unreachable ? Result::Unreachable : Result::Refused;
    done->done(result, done->last_reason);
}

// A callee's framed terminal reports on a message we sent it.
void SmsServer::on_report(const Origin &, const Frame &f) {
    leg_done(f.id, f.status == "delivered" ? Result::Delivered : Result::Refused,
             f.reason.empty() ? "refused by the callee's terminal" : f.reason);
}

void SmsServer::store(const ShortMessage &m, const Origin &sender, const std::string &sender_id,
                      const std::string &why) {
    auto *db = host_.service<Database>(services::kDatabase);
    auto refused = [this, sender, sender_id, why](const std::string &extra) {
        ++counters_.refused;
        report(sender, sender_id, "refused", why + extra);
    };
    if (!db) return refused(" (and no message store)");
    WriteAdmission a = db->write(
        "INSERT INTO queued_messages (sender, recipient, dialled, content_type, body, expires_at, "
        "report_to, report_id, next_attempt_at) VALUES ($1, $2, $2, $3, decode($4, 'hex'), "
        "now() + make_interval(secs => $5), $1, $6, now() + make_interval(secs => $7))",
        {m.from, m.to, m.content_type.empty() ? kDefaultContentType : m.content_type, hex(m.body),
         std::to_string(cfg_.store_seconds), sender_id, std::to_string(cfg_.retry_seconds)},
        life_.guard([this, sender, sender_id, refused](bool ok, const std::string &err) {
            if (!ok) {
                VCE_LOG_ERROR("SMS: cannot store a message: %s", err.c_str());
                return refused(" (the store refused it)");
            }
            ++counters_.stored;
            report(sender, sender_id, "stored", "delivered when the callee registers");
        }));
    if (a != WriteAdmission::Accepted) refused(" (the message store is full)");
}

void SmsServer::deliver_stored(const std::string &number, const Origin &to) {
    auto *db = host_.service<Database>(services::kDatabase);
    if (!db) return;
    db->query(
        "SELECT id, sender, content_type, encode(body, 'hex'), report_to, report_id "
        "FROM queued_messages WHERE recipient = $1 AND expires_at > now() ORDER BY id LIMIT 100",
        {number}, life_.guard([this, number, to](const SqlResult &r) {
            if (!r.ok)
                return VCE_LOG_WARNING("SMS: cannot read stored messages for %s: %s",
                                       number.c_str(), r.error.c_str());
            for (const auto &row : r.rows) {
                std::string qid = row[0].value_or("");
                if (retrying_.count(qid)) continue;  // a retry has it out already
                retrying_.insert(qid);
                ShortMessage m{row[1].value_or(""), number, row[2].value_or(""),
                               unhex(row[3].value_or(""))};
                std::string report_to = row[4].value_or(""), report_id = row[5].value_or("");
                auto p = std::make_unique<Pending>();
                p->server = this;
                p->id = "s" + std::to_string(next_pending_++);
                p->callee = number;
                p->legs = 1;
                p->done = [this, qid, report_to, report_id](Result result,
                                                            const std::string &reason) {
                    stored_outcome(qid, report_to, report_id, result, reason, 0);
                };
                send(to, message_frame(m, p->id));
                p->timer.reset(evtimer_new(
                    host_.loop(),
                    [](int, short, void *arg) {
                        auto *pd = static_cast<Pending *>(arg);
                        pd->server->leg_done(pd->id, Result::Unreachable, "no report in time");
                    },
                    p.get()));
                timeval t{cfg_.delivery_timeout, 0};
                evtimer_add(p->timer.get(), &t);
                pending_[p->id] = std::move(p);
            }
        }));
}

}  // namespace vce::sms
