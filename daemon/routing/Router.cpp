// Routing decisions over a Snapshot, in the seed's order (S410-S470). No I/O.
#include "routing/Router.h"

namespace vce::routing {

namespace {

using numplan::Kind;

void reset(Decision &d) {
    d.cls = RouteClass::None;
    d.target.clear();
    d.alternatives.clear();
    d.pstn_fallback.clear();
    d.pstn_number.clear();
    d.cause.clear();
    d.reason.clear();
    d.sip_status = 0;
    d.canonical.clear();
    d.alias.clear();
    d.rate = -1;
}

std::string q(std::string_view s) {
    return "'" + std::string(s) + "'";
}

// "SIP/" + host + "/" + user, with '#' escaped for the URI.
void sip_target(std::string &out, std::string_view host, std::string_view user) {
    out.assign("SIP/");
    out.append(host);
    if (user.empty()) return;
    out.push_back('/');
    for (char c : user) {
        if (c == '#')
            out.append("%23");
        else
            out.push_back(c);
    }
}

}  // namespace

void Router::fail(Decision &out, int status, const char *cause, std::string reason, Trace *trace) {
    out.cls = RouteClass::None;
    out.target.clear();
    out.alternatives.clear();
    out.sip_status = status;
    out.cause = cause;
    out.reason = std::move(reason);
    if (trace) trace->add("refused: " + out.reason + " -> SIP " + std::to_string(status));
}

Decision Router::route(const Snapshot &snap, std::string_view dialled, std::string_view caller,
                       std::string_view home_country, Trace *trace, const RouteConditions &when) {
    Decision d;
    route(snap, dialled, caller, home_country, d, trace, when);
    return d;
}

void Router::route(const Snapshot &snap, std::string_view dialled, std::string_view caller,
                   std::string_view home_country, Decision &out, Trace *trace,
                   const RouteConditions &when) {
    reset(out);
    when_ = when;
    std::string_view home = home_country;
    if (home.empty() && snap.self_centre()) home = snap.self_centre()->country;
    if (trace)
        trace->add("dialled " + q(dialled) + (caller.empty() ? "" : " by " + q(caller)) +
                   (home.empty() ? ", no home country" : ", home country " + std::string(home)));

    // 1. An account username, exactly as dialled: the account's registered phones.
    uint32_t acc = snap.find_account(dialled);
    if (acc != Snapshot::none) {
        out.cls = RouteClass::Local;
        out.canonical.assign(dialled);
        sip_target(out.target, snap.account_name(acc), {});
        std::string_view contact = snap.contact(snap.account(acc).contact);
        if (!contact.empty() && pstn_route(snap, contact, out.pstn_fallback, nullptr))
            out.pstn_number = std::string(contact);
        if (trace)
            trace->add("is account " + q(snap.account_name(acc)) +
                       ": its registered phones, target " + out.target +
                       (out.pstn_fallback.empty() ? "" : ", PSTN fallback " + out.pstn_fallback));
        return;
    }
    if (trace) trace->add("not an account username");

    // The caller's country picks a company's branch when only the VNS base is dialled.
    std::string_view caller_country;
    if (!caller.empty()) {
        uint32_t ca = snap.find_account(caller);
        if (ca != Snapshot::none && snap.account(ca).country) {
            int c = snap.account(ca).country;
            caller_cc_[0] = static_cast<char>('0' + c / 100);
            caller_cc_[1] = static_cast<char>('0' + c / 10 % 10);
            caller_cc_[2] = static_cast<char>('0' + c % 10);
            caller_country = std::string_view(caller_cc_, 3);
        } else if (snap.plan().parse(caller, home, alias_number_, error_) &&
                   !alias_number_.country.empty()) {
            caller_cc_[0] = alias_number_.country[0];
            caller_cc_[1] = alias_number_.country[1];
            caller_cc_[2] = alias_number_.country[2];
            caller_country = std::string_view(caller_cc_, 3);
        }
        if (trace && !caller_country.empty())
            trace->add("caller's country is " + std::string(caller_country));
    }

    // 2. Parse.
    if (!snap.plan().parse(dialled, home, number_, error_)) {
        bool incomplete = error_.find("too short") != std::string::npos ||
                          error_.find("no digits") != std::string::npos;
        bool unknown = error_.find("is unknown") != std::string::npos;
        if (trace) trace->add("not a valid number or alias: " + error_);
        if (incomplete)
            fail(out, 484, "incomplete", error_, trace);
        else if (unknown)
            fail(out, 404, "unassigned", error_, trace);
        else
            fail(out, 484, "invalid", error_, trace);
        return;
    }
    if (trace)
        trace->add(std::string("parsed as ") + numplan::kind_name(number_.kind) + " " +
                   number_.canonical + " (written " + number_.written + ")" +
                   (number_.end_of_dialling ? ", trailing '#' taken as end of dialling" : ""));

    // 3. An alias stands for a member's number.
    if (number_.kind == Kind::Alias) {
        out.alias = number_.canonical;
        std::string_view target = snap.find_alias(number_.canonical);
        if (target.empty()) {
            fail(out, 404, "unknown-alias", "alias " + q(number_.canonical) + " is not known",
                 trace);
            return;
        }
        if (trace) trace->add("alias " + q(number_.canonical) + " stands for number " + q(target));
        numplan::Number &n = alias_number_;
        n = numplan::Number();
        n.canonical.assign(target);
        n.written.assign(target);
        size_t hash = target.find('#');
        if (hash != std::string_view::npos) {
            n.kind = Kind::Vns;
            n.local.assign(target.substr(0, hash));
            n.country.assign(target.substr(hash + 1));
        } else if (snap.find_number(target)) {
            n.kind = Kind::Pin;
            if (target.size() > 3 && target[0] != '+')
                n.country.assign(target.substr(target.size() - 3));
        } else {
            n.kind = Kind::Digits;
        }
        route_number(snap, n, caller_country, home, out, trace);
        return;
    }
    route_number(snap, number_, caller_country, home, out, trace);
}

void Router::route_number(const Snapshot &snap, const numplan::Number &n,
                          std::string_view caller_country, std::string_view home, Decision &out,
                          Trace *trace) {
    out.canonical = n.canonical;
    switch (n.kind) {
        case Kind::Pin: {
            const Snapshot::Owned *rec = snap.find_number(n.canonical);
            if (!rec) {
                fail(out, 404, "unassigned", "number " + n.written + " is not assigned", trace);
                return;
            }
            if (trace) trace->add("our number " + n.written + " (country " + n.country + ")");
            route_owned(snap, *rec, n.canonical, n.country, RouteClass::OwnNumber, out, trace);
            return;
        }
        case Kind::Vns: {
            const Snapshot::Owned *rec = snap.find_branch(n.canonical);
            if (rec) {
                if (trace)
                    trace->add("company " + n.local + " has a branch in country " + n.country);
                route_owned(snap, *rec, n.canonical, n.country, RouteClass::VnsBranch, out, trace);
                return;
            }
            if (snap.has_vns_base(n.local)) {
                std::string list;
                for (const std::string &c : snap.branch_countries(n.local))
                    list += (list.empty() ? "" : ", ") + c;
                fail(out, 404, "no-branch",
                     "company " + n.local + " has no branch in country " + n.country +
                         " (branches: " + list + ")",
                     trace);
                return;
            }
            fail(out, 404, "unassigned", "VNS number " + n.written + " is not assigned", trace);
            return;
        }
        case Kind::Digits: {
            if (snap.has_vns_base(n.canonical)) {
                auto countries = snap.branch_countries(n.canonical);
                std::string_view pick;
                for (std::string_view want : {caller_country, home})
                    for (const std::string &c : countries)
                        if (pick.empty() && c == want) pick = c;
                if (pick.empty()) pick = countries.front();
                key_.assign(n.canonical);
                key_.push_back('#');
                key_.append(pick);
                if (trace)
                    trace->add("company number " + n.canonical + " without a country: branch " +
                               key_);
                route_owned(snap, *snap.find_branch(key_), key_, pick, RouteClass::VnsBranch, out,
                            trace);
                out.canonical = key_;
                return;
            }
            if (const Snapshot::Owned *rec = snap.find_number(n.canonical)) {
                if (trace) trace->add("our number " + n.canonical);
                route_owned(snap, *rec, n.canonical, {}, RouteClass::OwnNumber, out, trace);
                return;
            }
            fail(out, 404, "unassigned",
                 "number " + n.canonical + " is no account, member number or company number",
                 trace);
            return;
        }
        case Kind::Carrier: {
            const Snapshot::Carrier *c = snap.carrier(n.carrier);
            if (!c) {
                if (trace) trace->add("carrier " + q(n.carrier) + " has no centre: PSTN instead");
                route_pstn(snap, n.e164, n.country, out, trace);
                return;
            }
            if (snap.has_rates()) {
                out.rate = snap.rate_for(n.e164);
                if (out.rate < 0) {
                    fail(out, 403, "forbidden",
                         "no rate for " + n.e164 + ": calls there are not sold", trace);
                    return;
                }
            }
            out.cls = RouteClass::Carrier;
            sip_target(out.target, c->host, n.e164);
            if (pstn_route(snap, n.e164, out.pstn_fallback, nullptr))
                out.pstn_number = std::string(n.e164);
            if (trace)
                trace->add(
                    "carrier " + q(c->name) + " owns the range: target " + out.target +
                    (out.pstn_fallback.empty() ? "" : ", PSTN fallback " + out.pstn_fallback));
            return;
        }
        case Kind::Pstn: {
            if (const Snapshot::Owned *rec = snap.find_number(n.e164)) {
                if (trace) trace->add("the PSTN number " + n.e164 + " is one of ours");
                route_owned(snap, *rec, n.e164, n.country, RouteClass::OwnNumber, out, trace);
                return;
            }
            route_pstn(snap, n.e164, n.country, out, trace);
            return;
        }
        case Kind::Alias:
            break;
    }
    fail(out, 404, "unassigned", "alias resolves to another alias", trace);
}

void Router::route_owned(const Snapshot &snap, const Snapshot::Owned &rec, std::string_view key,
                         std::string_view country, RouteClass here, Decision &out, Trace *trace) {
    std::string_view contact = snap.contact(rec.contact);
    const Snapshot::Centre *centre = country.empty() ? nullptr : snap.centre_for(country);
    if (centre && !centre->self && centre_routes(snap, country, key, trace)) {
        out.cls = RouteClass::RemoteCentre;
        take_alternatives(out);
        const std::string first = trace ? alts_.front().name : std::string();
        if (!contact.empty() && pstn_route(snap, contact, out.pstn_fallback, nullptr))
            out.pstn_number = std::string(contact);
        if (trace)
            trace->add("country " + std::string(country) + " is served by " + first + ": target " +
                       out.target +
                       (out.alternatives.empty()
                            ? ""
                            : ", then " + std::to_string(out.alternatives.size()) + " more") +
                       (out.pstn_fallback.empty() ? "" : ", PSTN fallback " + out.pstn_fallback));
        return;
    }
    if (rec.account != Snapshot::none) {
        out.cls = here;
        sip_target(out.target, snap.account_name(rec.account), {});
        if (!contact.empty() && pstn_route(snap, contact, out.pstn_fallback, nullptr))
            out.pstn_number = std::string(contact);
        if (trace)
            trace->add("served here by account " + q(snap.account_name(rec.account)) + ": target " +
                       out.target +
                       (out.pstn_fallback.empty() ? "" : ", PSTN fallback " + out.pstn_fallback));
        return;
    }
    if (!contact.empty() && pstn_routes(snap, contact, trace)) {
        out.cls = RouteClass::Pstn;
        take_alternatives(out);
        out.pstn_fallback = out.target;
        out.pstn_number = std::string(contact);
        if (trace)
            trace->add("no account for " + std::string(key) + ": its contactable number " +
                       std::string(contact) + " via " + out.target);
        return;
    }
    fail(out, 480, "unavailable",
         "number " + std::string(key) + " has no account and no reachable contact number", trace);
}

void Router::route_pstn(const Snapshot &snap, std::string_view e164, std::string_view country,
                        Decision &out, Trace *trace) {
    if (snap.has_rates()) {
        out.rate = snap.rate_for(e164);
        if (out.rate < 0) {
            fail(out, 403, "forbidden",
                 "no rate for " + std::string(e164) + ": calls there are not sold", trace);
            return;
        }
    }
    if (!pstn_routes(snap, e164, trace)) {
        fail(out, 503, "no-route",
             "no trunk group or centre reaches country " + std::string(country), trace);
        return;
    }
    // A PSTN number is a PSTN call (it needs the right to the PSTN) whichever centre's trunk
    // takes it.
    out.cls = RouteClass::Pstn;
    take_alternatives(out);
    out.pstn_fallback = out.target;
    out.pstn_number = std::string(e164);
    if (trace)
        trace->add("PSTN number of country " + std::string(country) + ": target " + out.target +
                   (out.alternatives.empty()
                        ? ""
                        : ", then " + std::to_string(out.alternatives.size()) + " more"));
}

bool Router::pstn_route(const Snapshot &snap, std::string_view e164, std::string &out,
                        Trace *trace) {
    out.clear();
    if (!pstn_routes(snap, e164, trace)) return false;
    out = alts_.front().target;
    return true;
}

bool Router::pstn_routes(const Snapshot &snap, std::string_view e164, Trace *trace) {
    alts_.clear();
    if (e164.size() < 2 || e164[0] != '+') return false;
    size_t cc_len = 0;
    const numplan::Country *c = snap.countries().by_dial_digits(e164.substr(1), &cc_len);
    if (!c) return false;
    const auto &trunks = snap.trunks_for(c->code);
    if (trunks.empty()) {
        const Snapshot::Centre *centre = snap.centre_for(c->code);
        if (!centre || centre->self || !centre_routes(snap, c->code, e164, nullptr)) return false;
        if (trace) trace->add("no trunk here for " + c->code + ": via centre " + q(centre->name));
        order(trace);
        return true;
    }
    for (const Snapshot::Trunk &t : trunks) {
        Alternative a;
        a.priority = t.priority;
        a.weight = t.weight;
        a.name = "trunk group " + q(t.group);
        if (t.centre < 0) {
            a.target.assign("TDM/");
            a.target.append(t.group);
            a.target.push_back('/');
            a.target.append(c->trunk_prefix);
            a.target.append(e164.substr(1 + cc_len));
        } else {
            const Snapshot::Centre &via = snap.centres()[t.centre];
            sip_target(a.target, via.host, e164);
            a.host = via.host;
            if (trace) trace->add("trunk group " + q(t.group) + " is at centre " + q(via.name));
        }
        alts_.push_back(std::move(a));
    }
    order(trace);
    return true;
}

bool Router::centre_routes(const Snapshot &snap, std::string_view country, std::string_view user,
                           Trace *trace) {
    alts_.clear();
    for (int i : snap.centres_for(country)) {
        const Snapshot::Centre &c = snap.centres()[i];
        if (c.self) continue;
        Alternative a;
        sip_target(a.target, c.host, user);
        a.host = c.host;
        a.name = "centre " + q(c.name);
        a.priority = c.priority;
        a.weight = c.weight;
        alts_.push_back(std::move(a));
    }
    if (alts_.empty()) return false;
    order(trace);
    return true;
}

void Router::order(Trace *trace) {
    if (alts_.size() < 2) return;
    std::vector<std::string> dropped;
    order_alternatives(alts_, when_.spread, when_.health, trace ? &dropped : nullptr);
    if (!trace) return;
    for (const std::string &d : dropped) trace->add(d + " is down (no answer to OPTIONS): skipped");
    std::string list;
    for (const Alternative &a : alts_) list += (list.empty() ? "" : ", ") + a.name;
    trace->add("in order: " + list);
}

void Router::take_alternatives(Decision &out) const {
    out.target = alts_.front().target;
    out.alternatives.clear();
    for (size_t i = 1; i < alts_.size(); ++i) out.alternatives.push_back(alts_[i].target);
}

}  // namespace vce::routing
