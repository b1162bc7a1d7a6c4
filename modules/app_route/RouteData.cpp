// Builds app_route's immutable bundle (snapshot, credentials, trusted peers) from SQL rows.
#include "modules/app_route/RouteData.h"

#include <arpa/inet.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "numplan/CountryTable.h"

namespace vce::approute {

// One statement: PostgreSQL gives every part the same snapshot of the data, so a load
// never sees half of an admin's transaction. Only enabled rows of active members.
const char *const kRouteSql = R"SQL(
SELECT 'setting'::text AS kind, s.name::text AS a, s.value::text AS b, NULL::text AS c,
       NULL::text AS d, NULL::text AS e, NULL::text AS f, NULL::text AS g, NULL::text AS h
  FROM settings s
UNION ALL
SELECT 'country', c.code::text, c.name, c.trunk_prefix, c.intl_prefix, c.national_min_len::text,
       c.national_max_len::text, c.default_area, NULL
  FROM countries c
UNION ALL
SELECT DISTINCT 'area', n.country_code::text, n.area, NULL, NULL, NULL, NULL, NULL, NULL
  FROM numbers n WHERE n.kind = 'pin' AND n.area IS NOT NULL
UNION ALL
SELECT 'centre', c.id::text, c.name, c.country_code::text, c.sip_address::text, c.operator,
       c.priority::text, c.weight::text, NULL
  FROM centres c WHERE c.enabled
UNION ALL
SELECT 'carrier', c.id::text, c.name, c.sip_address::text, p.prefix::text, NULL, NULL, NULL, NULL
  FROM carriers c LEFT JOIN carrier_prefixes p ON p.carrier_id = c.id
 WHERE c.enabled AND c.sip_address IS NOT NULL  -- a PSTN telco only bills us (sql/014)
UNION ALL
SELECT 'trunk', t.id::text, t.name, t.tdm_group, t.country_code::text, t.priority::text,
       t.gateway::text, t.weight::text, NULL
  FROM trunks t WHERE t.enabled
UNION ALL
SELECT 'rate', r.prefix, r.price_per_minute::text, NULL, NULL, NULL, NULL, NULL, NULL
  FROM (SELECT DISTINCT ON (prefix) prefix::text AS prefix, price_per_minute
          FROM rates
         WHERE carrier_id IS NULL AND valid_from <= now()
           AND (valid_until IS NULL OR valid_until > now())
         ORDER BY prefix, valid_from DESC) r
UNION ALL
SELECT 'account', a.username, a.realm, a.ha1_md5, a.ha1_sha256, m.contact_pstn::text,
       m.max_calls::text, (m.billing = 'prepaid' OR m.credit_limit IS NOT NULL)::text, NULL
  FROM sip_accounts a LEFT JOIN members m ON m.id = a.member_id
 WHERE a.enabled AND (m.id IS NULL OR m.status = 'active')
UNION ALL
SELECT 'number', n.canonical, a.username, m.contact_pstn::text, NULL, NULL, NULL, NULL, NULL
  FROM numbers n
  JOIN members m ON m.id = n.member_id AND m.status = 'active'
  LEFT JOIN sip_accounts a ON a.username = n.canonical AND a.enabled
 WHERE n.status = 'sold' AND n.kind = 'pin'
UNION ALL
SELECT 'branch', n.canonical, b.country_code::text, a.username,
       coalesce(b.forward_to, m.contact_pstn)::text, NULL, NULL, NULL, NULL
  FROM vns_branches b
  JOIN numbers n ON n.id = b.number_id AND n.status = 'sold'
  JOIN members m ON m.id = n.member_id AND m.status = 'active'
  LEFT JOIN sip_accounts a ON a.username = b.sip_username AND a.enabled
 WHERE b.enabled
UNION ALL
SELECT 'peer', p.name, p.kind, p.address::text, p.context, p.reach, p.max_channels::text,
       p.max_cps::text,
       p.callerid || CASE WHEN p.asserted_identity THEN '+asserted' ELSE '' END
  FROM peers p WHERE p.enabled
UNION ALL
SELECT 'alias', al.alias, al.target, NULL, NULL, NULL, NULL, NULL, NULL
  FROM aliases al JOIN members m ON m.id = al.member_id AND m.status = 'active'
)SQL";

namespace {

// One row of the statement, read in place from the set.
struct Row {
    const SqlRowSet *set;
    size_t index;
};

std::string col(const Row &row, size_t i) {
    return std::string(row.set->text(row.index, i));
}

bool three_digits(std::string_view s) {
    return s.size() == 3 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
           s != "000";
}

int to_int(const std::string &s, int fallback) {
    try {
        size_t used = 0;
        int v = std::stoi(s, &used);
        return used == s.size() ? v : fallback;
    } catch (const std::exception &) {
        return fallback;
    }
}

// A row in the order it came, split by kind.
struct Rows {
    std::map<std::string, std::string> settings;
    std::vector<Row> country, area, centre, carrier, trunk, rate, account, number, branch, alias,
        peer;
};

struct Collector {
    RouteData &data;
    void skip(const std::string &why) {
        ++data.counts.skipped;
        if (data.warnings.size() < 20) data.warnings.push_back(why);
    }
};

// Countries: the database's rows are the system of record; the built-in table lends its
// area codes (the database keeps only a default area), and the areas of our own PINs are
// added so that every number we sold parses.
std::vector<numplan::Country> merge_countries(const Rows &rows, Collector &c) {
    const numplan::CountryTable &builtin = numplan::CountryTable::builtin();
    std::vector<numplan::Country> out;
    if (rows.country.empty()) return builtin.countries();
    std::map<std::string, std::vector<std::string>> extra_areas;
    for (const auto &r : rows.area) extra_areas[col(r, 1)].push_back(col(r, 2));
    for (const auto &r : rows.country) {
        numplan::Country k;
        k.code = col(r, 1);
        k.name = col(r, 2);
        k.trunk_prefix = col(r, 3);
        k.intl_prefix = col(r, 4);
        k.min_nsn = to_int(col(r, 5), 4);
        k.max_nsn = to_int(col(r, 6), 12);
        if (const numplan::Country *b = builtin.by_code(k.code)) k.areas = b->areas;
        std::vector<std::string> wanted = extra_areas[k.code];
        if (!col(r, 7).empty()) wanted.push_back(col(r, 7));
        for (const std::string &code : wanted) {
            bool known = std::any_of(k.areas.begin(), k.areas.end(),
                                     [&](const numplan::Area &a) { return a.code == code; });
            if (known || code.empty()) continue;
            // The national number (without trunk prefix) is area digits + local digits.
            int area_nsn = static_cast<int>(code.size()) -
                           (code.compare(0, k.trunk_prefix.size(), k.trunk_prefix) == 0
                                ? static_cast<int>(k.trunk_prefix.size())
                                : 0);
            numplan::Area a;
            a.code = code;
            a.min_local = std::max(1, k.min_nsn - area_nsn);
            a.max_local = std::max(a.min_local, k.max_nsn - area_nsn);
            k.areas.push_back(a);
        }
        out.push_back(std::move(k));
    }
    return out;
}

// A centre or carrier at an IP address is a peer that reaches our own numbers.
void implicit_peer(RouteData &data, const std::string &ip, const std::string &name,
                   const std::string &kind, const std::string &context) {
    routing::Network net;
    std::string why;
    if (!is_ip_literal(ip) || !routing::Network::parse(ip, net, why)) return;
    routing::Peer p;
    p.name = name;
    p.kind = kind;
    p.context = context;
    data.peers.add(net, std::move(p));
}

}  // namespace

std::shared_ptr<RouteData> build_route_data(const std::vector<std::vector<SqlParam>> &all,
                                            const RouteOptions &opt) {
    return build_route_data(SqlRowVectors(all), opt);
}

std::shared_ptr<RouteData> build_route_data(const SqlRowSet &all, const RouteOptions &opt) {
    auto data = std::make_shared<RouteData>();
    Collector c{*data};
    Rows rows;
    for (size_t i = 0, n = all.rows(); i < n; ++i) {
        Row r{&all, i};
        std::string_view kind = all.text(i, 0);
        if (kind == "setting")
            rows.settings[col(r, 1)] = col(r, 2);
        else if (kind == "country")
            rows.country.push_back(r);
        else if (kind == "area")
            rows.area.push_back(r);
        else if (kind == "centre")
            rows.centre.push_back(r);
        else if (kind == "carrier")
            rows.carrier.push_back(r);
        else if (kind == "trunk")
            rows.trunk.push_back(r);
        else if (kind == "rate")
            rows.rate.push_back(r);
        else if (kind == "account")
            rows.account.push_back(r);
        else if (kind == "number")
            rows.number.push_back(r);
        else if (kind == "branch")
            rows.branch.push_back(r);
        else if (kind == "alias")
            rows.alias.push_back(r);
        else if (kind == "peer")
            rows.peer.push_back(r);
    }

    // Home country: app_route.conf, else the settings table, else Korea (the seed's home).
    std::string home = opt.home_country;
    if (home.empty())
        home = rows.settings.count("home_country") ? rows.settings["home_country"] : "";
    if (home.empty())
        home = rows.settings.count("routing.home_country") ? rows.settings["routing.home_country"]
                                                           : "";
    if (home.empty()) home = "082";
    if (!three_digits(home))
        throw std::invalid_argument("home country '" + home + "' must be three digits, e.g. 082");
    data->home_country = home;
    std::string realm = !opt.realm.empty()                 ? opt.realm
                        : rows.settings.count("sip.realm") ? rows.settings["sip.realm"]
                                                           : "vce.local";

    routing::SnapshotBuilder b;
    for (numplan::Country &k : merge_countries(rows, c)) {
        std::string code = k.code;
        try {
            b.add_country(std::move(k));
            ++data->counts.countries;
        } catch (const std::exception &e) {
            c.skip(std::string("country ") + code + ": " + e.what());
        }
    }

    // Centres, best priority first (the first centre of a country serves it). This
    // exchange is the configured centre, or the own centre of the home country.
    std::vector<const Row *> centres;
    for (const auto &r : rows.centre) centres.push_back(&r);
    std::stable_sort(centres.begin(), centres.end(), [](auto *x, auto *y) {
        int px = to_int(col(*x, 6), 10), py = to_int(col(*y, 6), 10);
        if (px != py) return px < py;
        return to_int(col(*x, 1), 0) < to_int(col(*y, 1), 0);
    });
    std::string self;
    if (!opt.centre.empty()) {
        for (auto *r : centres)
            if (col(*r, 2) == opt.centre) self = opt.centre;
        if (self.empty())
            throw std::invalid_argument(
                "centre '" + opt.centre +
                "' (app_route.conf) is not an enabled row of the centres table");
    } else {
        for (auto *r : centres)
            if (self.empty() && col(*r, 3) == home && col(*r, 5) == "own") self = col(*r, 2);
    }
    data->self_centre = self;
    std::map<std::string, std::string> centre_by_host;  // host:port -> centre name
    bool self_added = false;
    for (auto *r : centres) {
        routing::CentreRow row;
        row.name = col(*r, 2);
        row.country = col(*r, 3);
        row.host = sip_hostport(col(*r, 4));
        row.self = !self_added && row.name == self;
        row.priority = to_int(col(*r, 6), 10);
        row.weight = to_int(col(*r, 7), 1);
        try {
            b.add_centre(row);
            self_added |= row.self;
            ++data->counts.centres;
            centre_by_host.emplace(row.host, row.name);
            if (!row.self)
                implicit_peer(*data, host_of(row.host), "centre " + row.name, "centre",
                              opt.peer_context);
        } catch (const std::exception &e) {
            c.skip(std::string("centre '") + row.name + "': " + e.what());
        }
    }

    // Carriers: one row per prefix (prefixes are E.164 digits without '+').
    std::map<std::string, routing::CarrierRow> carriers;
    std::vector<std::string> carrier_order;
    for (const auto &r : rows.carrier) {
        std::string id = col(r, 1);
        auto it = carriers.find(id);
        if (it == carriers.end()) {
            it = carriers.emplace(id, routing::CarrierRow{col(r, 2), sip_hostport(col(r, 3)), {}})
                     .first;
            carrier_order.push_back(id);
        }
        if (!col(r, 4).empty()) it->second.prefixes.push_back("+" + col(r, 4));
    }
    for (const std::string &id : carrier_order) {
        routing::CarrierRow &row = carriers[id];
        std::string name = row.name, host = row.host;
        size_t prefixes = row.prefixes.size();
        try {
            b.add_carrier(std::move(row));
            ++data->counts.carriers;
            data->counts.carrier_prefixes += prefixes;
            implicit_peer(*data, host_of(host), "carrier " + name, "carrier", opt.peer_context);
            data->reach_needed[host] = routing::Reach::Carriers;
        } catch (const std::exception &e) {
            c.skip("carrier '" + name + "': " + e.what());
        }
    }

    // Trunk groups. A trunk on an edge box (gateway) is reached through the centre at that
    // address; a gateway that is no centre becomes one for the trunk's country (it only
    // serves that country's numbers when no real centre does).
    for (const auto &r : rows.trunk) {
        routing::TrunkRow row;
        row.group = col(r, 3);
        row.country = col(r, 4);
        row.priority = to_int(col(r, 5), 10);
        row.weight = to_int(col(r, 7), 1);
        std::string gateway = col(r, 6).empty() ? "" : sip_hostport(col(r, 6));
        try {
            if (!gateway.empty()) {
                auto it = centre_by_host.find(gateway);
                if (it == centre_by_host.end()) {
                    std::string name = "gateway " + col(r, 2);
                    b.add_centre({name, row.country, gateway, false, row.priority, row.weight});
                    it = centre_by_host.emplace(gateway, name).first;
                    // Only the trunk is there: a call sent to it is a PSTN call.
                    data->reach_needed[gateway] = routing::Reach::Pstn;
                }
                row.centre = it->second;
            }
            b.add_trunk(row);
            ++data->counts.trunks;
        } catch (const std::exception &e) {
            c.skip("trunk '" + col(r, 2) + "': " + e.what());
        }
    }

    for (const auto &r : rows.rate) {
        try {
            b.add_rate({"+" + col(r, 1), std::stod(col(r, 2))});
            ++data->counts.rates;
        } catch (const std::exception &e) {
            c.skip("rate " + col(r, 1) + ": " + e.what());
        }
    }

    // Accounts first: numbers and branches may name only accounts that exist here.
    std::set<std::string> accounts;
    b.reserve(rows.account.size(), rows.number.size());
    for (const auto &r : rows.account) {
        std::string user = col(r, 1);
        try {
            b.add_account(user, col(r, 5));
            accounts.insert(user);
            AccountAuth a{user,
                          col(r, 3),
                          col(r, 4),
                          col(r, 2).empty() ? realm : col(r, 2),
                          std::max(0, to_int(col(r, 6), 0)),
                          col(r, 7) == "true"};
            data->accounts[user] = std::move(a);
            ++data->counts.accounts;
        } catch (const std::exception &e) {
            c.skip("account '" + user + "': " + e.what());
        }
    }
    auto account_or_none = [&](const std::string &user) {
        return accounts.count(user) ? user : std::string();
    };

    std::set<std::string> targets;  // what an alias may point to
    for (const auto &r : rows.number) {
        try {
            b.add_number(col(r, 1), account_or_none(col(r, 2)), col(r, 3));
            targets.insert(col(r, 1));
            ++data->counts.numbers;
        } catch (const std::exception &e) {
            c.skip("number " + col(r, 1) + ": " + e.what());
        }
    }
    for (const auto &r : rows.branch) {
        try {
            b.add_branch(col(r, 1), col(r, 2), account_or_none(col(r, 3)), col(r, 4));
            targets.insert(col(r, 1));
            targets.insert(col(r, 1) + "#" + col(r, 2));
            ++data->counts.branches;
        } catch (const std::exception &e) {
            c.skip("branch " + col(r, 1) + "#" + col(r, 2) + ": " + e.what());
        }
    }
    for (const auto &r : rows.alias) {
        if (!targets.count(col(r, 2))) {
            c.skip("alias '" + col(r, 1) + "': its number " + col(r, 2) +
                   " is not routed (not sold or not enabled)");
            continue;
        }
        try {
            b.add_alias(col(r, 1), col(r, 2));
            ++data->counts.aliases;
        } catch (const std::exception &e) {
            c.skip("alias '" + col(r, 1) + "': " + e.what());
        }
    }

    // The peers table says more than the centres and carriers tables; app_route.conf's
    // trusted lines win over all of them.
    for (const auto &r : rows.peer) {
        routing::Network net;
        std::string why;
        if (!routing::Network::parse(col(r, 3), net, why)) {
            c.skip("peer '" + col(r, 1) + "': " + why);
            continue;
        }
        routing::Peer p;
        p.name = col(r, 1);
        p.kind = col(r, 2);
        p.context = col(r, 4).empty() ? opt.peer_context : col(r, 4);
        p.reach = routing::parse_reach(col(r, 5)).value_or(routing::Reach::Own);
        p.max_channels = to_int(col(r, 6), 0);
        try {
            p.max_cps = col(r, 7).empty() ? 0 : std::stod(col(r, 7));
        } catch (const std::exception &) {
            p.max_cps = 0;
        }
        // "national+asserted": the form of the caller's number it expects, and whether it is
        // in our trust domain (sql/017_callerid.sql).
        const std::string cid = col(r, 8);
        p.asserted_identity = cid.size() > 9 && cid.compare(cid.size() - 9, 9, "+asserted") == 0;
        p.caller_id = routing::parse_caller_id_form(cid.substr(0, cid.find('+')))
                          .value_or(routing::CallerIdForm::E164);
        data->peers.add(net, std::move(p));
    }
    for (const auto &t : opt.trusted) data->peers.add(t.first, t.second);
    data->counts.trusted = data->peers.size();
    data->pstn_trunk = opt.pstn_trunk;
    if (!opt.pstn_trunk.empty())
        data->reach_needed[opt.pstn_trunk.substr(4)] = routing::Reach::Pstn;
    data->snapshot = b.build();
    return data;
}

std::string sip_hostport(std::string_view uri) {
    std::string_view s = uri;
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    if (s.size() >= 4 && (s.substr(0, 4) == "sip:" || s.substr(0, 4) == "SIP:"))
        s.remove_prefix(4);
    else if (s.size() >= 5 && (s.substr(0, 5) == "sips:" || s.substr(0, 5) == "SIPS:"))
        s.remove_prefix(5);
    size_t at = s.find('@');
    if (at != std::string_view::npos) s.remove_prefix(at + 1);
    size_t end = s.find_first_of(";?> ");
    if (end != std::string_view::npos) s = s.substr(0, end);
    return std::string(s);
}

std::string host_of(std::string_view hp) {
    if (!hp.empty() && hp.front() == '[') {
        size_t close = hp.find(']');
        return std::string(close == std::string_view::npos ? hp.substr(1)
                                                           : hp.substr(1, close - 1));
    }
    // More than one ':' is a bare IPv6 address without a port.
    size_t colon = hp.find(':');
    if (colon != std::string_view::npos && hp.find(':', colon + 1) == std::string_view::npos)
        return std::string(hp.substr(0, colon));
    return std::string(hp);
}

bool is_ip_literal(std::string_view host) {
    if (host.empty() || host.size() >= 64) return false;
    std::string h(host);
    unsigned char buf[16];
    return inet_pton(AF_INET, h.c_str(), buf) == 1 || inet_pton(AF_INET6, h.c_str(), buf) == 1;
}

std::string normalise_trunk(std::string_view trunk) {
    while (!trunk.empty() && trunk.back() == '/') trunk.remove_suffix(1);
    if (trunk.empty()) return {};
    if (trunk.size() >= 4 && (trunk.substr(0, 4) == "SIP/" || trunk.substr(0, 4) == "sip/"))
        return "SIP/" + std::string(trunk.substr(4));
    return "SIP/" + std::string(trunk);
}

std::string rewrite_pstn(std::string_view target, std::string_view trunk) {
    if (trunk.empty() || target.substr(0, 4) != "TDM/") return std::string(target);
    size_t slash = target.find('/', 4);
    if (slash == std::string_view::npos || slash + 1 >= target.size()) return std::string(target);
    std::string out(trunk);
    out.push_back('/');
    out.append(target.substr(slash + 1));
    return out;
}

void apply_pstn_trunk(routing::Decision &d, std::string_view trunk, routing::Trace *trace) {
    if (trunk.empty()) return;
    // Several trunk groups become the one SIP trunk: each way once.
    std::vector<std::string> alts;
    for (const std::string &a : d.alternatives) {
        std::string r = rewrite_pstn(a, trunk);
        if (r != rewrite_pstn(d.target, trunk) &&
            std::find(alts.begin(), alts.end(), r) == alts.end())
            alts.push_back(std::move(r));
    }
    d.alternatives = std::move(alts);
    std::string target = rewrite_pstn(d.target, trunk), pstn = rewrite_pstn(d.pstn_fallback, trunk);
    if (target == d.target && pstn == d.pstn_fallback) return;
    if (trace)
        trace->add("no TDM here (app_route.conf pstn = sip): the PSTN via " + std::string(trunk) +
                   (target != d.target ? ", target " + target : "") +
                   (pstn != d.pstn_fallback ? ", PSTN fallback " + pstn : ""));
    d.target = std::move(target);
    d.pstn_fallback = std::move(pstn);
}

bool parse_trusted(std::string_view value, const std::string &fallback,
                   std::pair<routing::Network, routing::Peer> &out, std::string &error) {
    auto trim = [](std::string_view s) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
        return std::string(s);
    };
    std::vector<std::string> parts;
    for (size_t from = 0;;) {
        size_t comma = value.find(',', from);
        parts.push_back(
            trim(value.substr(from, comma == std::string_view::npos ? comma : comma - from)));
        if (comma == std::string_view::npos) break;
        from = comma + 1;
    }
    const std::string example = " (write trusted => 192.0.2.10,from-centres,own)";
    if (parts.size() > 3) {
        error = "trusted => '" + std::string(value) + "': address, context and reach, no more" +
                example;
        return false;
    }
    std::string why;
    if (!routing::Network::parse(parts[0], out.first, why)) {
        error = "trusted => '" + std::string(value) + "': " + why + example;
        return false;
    }
    routing::Peer p;
    p.name = "conf " + out.first.text();
    p.kind = "centre";
    p.context = parts.size() > 1 && !parts[1].empty() ? parts[1] : fallback;
    if (parts.size() > 2 && !parts[2].empty()) {
        auto r = routing::parse_reach(parts[2]);
        if (!r) {
            error =
                "trusted => '" + std::string(value) + "': reach '" + parts[2] +
                "' is own (our numbers), carriers (also other carriers) or pstn (also the PSTN)";
            return false;
        }
        p.reach = *r;
    }
    out.second = std::move(p);
    return true;
}

}  // namespace vce::approute
