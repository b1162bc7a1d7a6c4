// The immutable routing data built from database rows and swapped atomically on reload.
#include "routing/Snapshot.h"

#include <algorithm>
#include <stdexcept>

namespace vce::routing {

namespace {

int code_index(std::string_view c) {
    if (c.size() != 3) return -1;
    int n = 0;
    for (char ch : c) {
        if (ch < '0' || ch > '9') return -1;
        n = n * 10 + (ch - '0');
    }
    return n;
}

std::string code_text(int n) {
    std::string s = std::to_string(n);
    while (s.size() < 3) s.insert(s.begin(), '0');
    return s;
}

// Drops decoration from a number row; "%23" becomes '#'.
std::string key_of(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '-' || c == ' ' || c == '.' || c == '(' || c == ')') continue;
        if (c == '%' && in.substr(i, 3) == "%23") {
            out.push_back('#');
            i += 2;
            continue;
        }
        out.push_back(c);
    }
    return out;
}

std::string lower(std::string_view in) {
    std::string out(in);
    for (char &c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

void need(bool ok, const std::string &msg) {
    if (!ok) throw std::invalid_argument(msg);
}

const std::vector<Snapshot::Trunk> kNoTrunks;
const std::vector<int> kNoCentres;

}  // namespace

// ---- Snapshot ----

uint32_t Snapshot::intern_contact(std::string_view e164) {
    if (e164.empty()) return none;
    need(e164.size() <= 255, "contact number too long");
    auto off = static_cast<uint32_t>(pool_.size());
    pool_.push_back(static_cast<char>(e164.size()));
    pool_.append(e164);
    return off;
}

std::string_view Snapshot::contact(uint32_t off) const {
    if (off == none) return {};
    auto len = static_cast<unsigned char>(pool_[off]);
    return std::string_view(pool_.data() + off + 1, len);
}

const Snapshot::Owned *Snapshot::find_number(std::string_view canonical) const {
    uint32_t id = numbers_.find(canonical);
    return id == npos_ ? nullptr : &number_recs_[id];
}

const Snapshot::Owned *Snapshot::find_branch(std::string_view vns) const {
    uint32_t id = branches_.find(vns);
    return id == npos_ ? nullptr : &branch_recs_[id];
}

std::vector<std::string> Snapshot::branch_countries(std::string_view base) const {
    std::vector<std::string> out;
    uint32_t id = vns_bases_.find(base);
    if (id == npos_) return out;
    for (uint16_t c : base_countries_[id]) out.push_back(code_text(c));
    return out;
}

std::string_view Snapshot::find_alias(std::string_view alias) const {
    uint32_t id = aliases_.find(alias);
    return id == npos_ ? std::string_view() : contact(alias_numbers_[id]);
}

const Snapshot::Centre *Snapshot::centre_for(std::string_view country3) const {
    int n = code_index(country3);
    if (n < 0 || centre_by_country_[n] < 0) return nullptr;
    return &centres_[centre_by_country_[n]];
}

const std::vector<int> &Snapshot::centres_for(std::string_view country3) const {
    int n = code_index(country3);
    if (n < 0) return kNoCentres;
    return centres_by_country_[n];
}

const Snapshot::Carrier *Snapshot::carrier(std::string_view name) const {
    for (const Carrier &c : carriers_)
        if (c.name == name) return &c;
    return nullptr;
}

const std::vector<Snapshot::Trunk> &Snapshot::trunks_for(std::string_view country3) const {
    int n = code_index(country3);
    if (n < 0) return kNoTrunks;
    return trunks_by_country_[n];
}

double Snapshot::rate_for(std::string_view e164) const {
    for (size_t len = std::min(e164.size(), max_rate_prefix_); len >= 1; --len) {
        std::string_view want = e164.substr(0, len);
        auto it = std::lower_bound(rates_.begin(), rates_.end(), want,
                                   [](const std::pair<std::string, double> &r, std::string_view v) {
                                       return std::string_view(r.first) < v;
                                   });
        if (it != rates_.end() && it->first == want) return it->second;
    }
    return -1;
}

size_t Snapshot::memory() const {
    return accounts_.memory() + account_recs_.capacity() * sizeof(Account) +
           account_declared_.capacity() / 8 + numbers_.memory() +
           number_recs_.capacity() * sizeof(Owned) + branches_.memory() +
           branch_recs_.capacity() * sizeof(Owned) + vns_bases_.memory() + aliases_.memory() +
           alias_numbers_.capacity() * sizeof(uint32_t) + pool_.capacity();
}

// ---- SnapshotBuilder ----

SnapshotBuilder::SnapshotBuilder() : s_(new Snapshot) {
    s_->centre_by_country_.assign(1000, -1);
    s_->centres_by_country_.resize(1000);
    s_->trunks_by_country_.resize(1000);
}

SnapshotBuilder::~SnapshotBuilder() = default;

SnapshotBuilder &SnapshotBuilder::add_builtin_countries() {
    const auto &b = numplan::CountryTable::builtin();
    for (const auto &c : b.countries()) s_->countries_.add(c);
    for (const auto &p : b.carrier_prefixes())
        s_->countries_.add_carrier_prefix(p.prefix, p.carrier);
    return *this;
}

SnapshotBuilder &SnapshotBuilder::add_country(numplan::Country country) {
    s_->countries_.add(std::move(country));
    return *this;
}

SnapshotBuilder &SnapshotBuilder::add_centre(CentreRow c) {
    int n = code_index(c.country);
    need(n > 0, "centre '" + c.name + "': country '" + c.country + "' must be three digits");
    need(!c.host.empty(), "centre '" + c.name + "' has no host");
    if (c.self) {
        need(s_->self_ < 0, "centre '" + c.name + "': two centres are marked as this centre");
        s_->self_ = static_cast<int>(s_->centres_.size());
    }
    need(c.weight >= 0, "centre '" + c.name + "': weight must not be negative");
    const int index = static_cast<int>(s_->centres_.size());
    s_->centres_.push_back(
        {std::move(c.name), std::move(c.country), std::move(c.host), c.self, c.priority, c.weight});
    // The country's centres by priority (stable: rows of equal priority keep their order).
    auto &list = s_->centres_by_country_[n];
    list.push_back(index);
    const auto &all = s_->centres_;
    std::stable_sort(list.begin(), list.end(),
                     [&all](int a, int b) { return all[a].priority < all[b].priority; });
    // The serving centre: this centre for its own country, else the first by priority.
    int16_t &serving = s_->centre_by_country_[n];
    if (serving < 0 || !all[serving].self) serving = static_cast<int16_t>(list.front());
    if (all[index].self) serving = static_cast<int16_t>(index);
    return *this;
}

SnapshotBuilder &SnapshotBuilder::reserve(size_t accounts, size_t numbers) {
    s_->accounts_.reserve(accounts);
    s_->account_recs_.reserve(accounts);
    s_->account_declared_.reserve(accounts);
    s_->numbers_.reserve(numbers);
    s_->number_recs_.reserve(numbers);
    return *this;
}

SnapshotBuilder &SnapshotBuilder::add_account(std::string_view username,
                                              std::string_view contact_pstn) {
    need(!username.empty(), "account with an empty username");
    bool added = false;
    uint32_t id = s_->accounts_.insert(username, &added);
    if (added) {
        s_->account_recs_.emplace_back();
        s_->account_declared_.push_back(false);
    }
    s_->account_declared_[id] = true;
    s_->account_recs_[id].contact = s_->intern_contact(contact_pstn);
    return *this;
}

SnapshotBuilder &SnapshotBuilder::add_number(std::string_view number, std::string_view account,
                                             std::string_view contact_pstn) {
    std::string key = key_of(number);
    need(!key.empty(), "number row with an empty number");
    Snapshot::Owned rec;
    if (!account.empty()) {
        bool added = false;
        rec.account = s_->accounts_.insert(account, &added);
        if (added) {
            s_->account_recs_.emplace_back();
            s_->account_declared_.push_back(false);
        }
        // The account's own country: a PIN ends with it.
        if (key.size() > 3 && key.find('#') == std::string::npos && key[0] != '+') {
            int n = code_index(std::string_view(key).substr(key.size() - 3));
            if (n > 0) s_->account_recs_[rec.account].country = static_cast<uint16_t>(n);
        }
    }
    rec.contact = s_->intern_contact(contact_pstn);
    bool added = false;
    uint32_t id = s_->numbers_.insert(key, &added);
    if (added)
        s_->number_recs_.push_back(rec);
    else
        s_->number_recs_[id] = rec;
    return *this;
}

SnapshotBuilder &SnapshotBuilder::add_branch(std::string_view vns_base, std::string_view country,
                                             std::string_view account,
                                             std::string_view contact_pstn) {
    std::string base = key_of(vns_base);
    int n = code_index(country);
    need(!base.empty() && base.find('#') == std::string::npos,
         "branch row: VNS base '" + std::string(vns_base) + "' must be digits without '#'");
    need(n > 0, "branch " + base + ": country '" + std::string(country) + "' must be three digits");
    Snapshot::Owned rec;
    if (!account.empty()) {
        bool added = false;
        rec.account = s_->accounts_.insert(account, &added);
        if (added) {
            s_->account_recs_.emplace_back();
            s_->account_declared_.push_back(false);
        }
    }
    rec.contact = s_->intern_contact(contact_pstn);
    bool added = false;
    uint32_t id = s_->branches_.insert(base + "#" + std::string(country), &added);
    if (added)
        s_->branch_recs_.push_back(rec);
    else
        s_->branch_recs_[id] = rec;
    uint32_t b = s_->vns_bases_.insert(base, &added);
    if (added) s_->base_countries_.emplace_back();
    auto &list = s_->base_countries_[b];
    if (std::find(list.begin(), list.end(), n) == list.end())
        list.push_back(static_cast<uint16_t>(n));
    return *this;
}

SnapshotBuilder &SnapshotBuilder::add_alias(std::string_view alias, std::string_view number) {
    need(!alias.empty() && !number.empty(), "alias row with an empty alias or number");
    aliases_.emplace_back(lower(alias), key_of(number));
    return *this;
}

SnapshotBuilder &SnapshotBuilder::add_carrier(CarrierRow c) {
    need(!c.name.empty() && !c.host.empty(), "carrier row needs a name and a host");
    for (const std::string &p : c.prefixes) s_->countries_.add_carrier_prefix(p, c.name);
    s_->carriers_.push_back({std::move(c.name), std::move(c.host)});
    return *this;
}

SnapshotBuilder &SnapshotBuilder::add_trunk(TrunkRow t) {
    int n = code_index(t.country);
    need(n > 0, "trunk '" + t.group + "': country '" + t.country + "' must be three digits");
    need(!t.group.empty(), "trunk row with an empty group");
    int centre = -1;
    if (!t.centre.empty()) {
        for (size_t i = 0; i < s_->centres_.size(); ++i)
            if (s_->centres_[i].name == t.centre) centre = static_cast<int>(i);
        need(centre >= 0, "trunk '" + t.group + "': centre '" + t.centre +
                              "' is unknown (add centres before trunks)");
        if (s_->centres_[centre].self) centre = -1;
    }
    auto &list = s_->trunks_by_country_[n];
    need(t.weight >= 0, "trunk '" + t.group + "': weight must not be negative");
    list.push_back({std::move(t.group), std::move(t.country), t.priority, centre, t.weight});
    std::stable_sort(
        list.begin(), list.end(),
        [](const Snapshot::Trunk &a, const Snapshot::Trunk &b) { return a.priority < b.priority; });
    return *this;
}

SnapshotBuilder &SnapshotBuilder::add_rate(RateRow r) {
    need(r.prefix.size() >= 2 && r.prefix[0] == '+',
         "rate prefix '" + r.prefix + "' must be E.164 with '+' (e.g. +82)");
    need(r.per_minute >= 0, "rate for " + r.prefix + " is negative");
    auto &v = s_->rates_;
    auto it = std::lower_bound(
        v.begin(), v.end(), r.prefix,
        [](const std::pair<std::string, double> &a, const std::string &b) { return a.first < b; });
    if (it != v.end() && it->first == r.prefix)
        it->second = r.per_minute;
    else
        v.insert(it, {r.prefix, r.per_minute});
    s_->max_rate_prefix_ = std::max(s_->max_rate_prefix_, r.prefix.size());
    return *this;
}

std::shared_ptr<const Snapshot> SnapshotBuilder::build() {
    need(s_ != nullptr, "SnapshotBuilder::build called twice");
    for (uint32_t id = 0; id < s_->account_declared_.size(); ++id)
        need(s_->account_declared_[id], "account '" + std::string(s_->accounts_.key(id)) +
                                            "' is used by a number or branch but not defined");
    for (auto &a : aliases_) {
        need(s_->numbers_.find(a.second) != StringIndex::npos ||
                 s_->vns_bases_.find(a.second) != StringIndex::npos ||
                 s_->branches_.find(a.second) != StringIndex::npos,
             "alias '" + a.first + "' points to number '" + a.second + "', which is not assigned");
        bool added = false;
        uint32_t id = s_->aliases_.insert(a.first, &added);
        uint32_t off = s_->intern_contact(a.second);
        if (added)
            s_->alias_numbers_.push_back(off);
        else
            s_->alias_numbers_[id] = off;
    }
    aliases_.clear();
    s_->accounts_.shrink();
    s_->numbers_.shrink();
    s_->pool_.shrink_to_fit();
    return std::shared_ptr<const Snapshot>(s_.release());
}

}  // namespace vce::routing
