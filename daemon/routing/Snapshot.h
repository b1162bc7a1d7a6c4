// The immutable routing data (members' numbers, accounts, branches, aliases, carriers,
// trunks, centres, rates) built from database rows and swapped atomically on reload.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "numplan/CountryTable.h"
#include "numplan/NumberPlan.h"
#include "routing/StringIndex.h"

namespace vce::routing {

// Rows, as the I/O module reads them from PostgreSQL. Numbers are canonical
// (PIN "0262006200082", VNS base "62006200", PSTN "+82262006200"); decoration is dropped.
struct CentreRow {
    std::string name;     // "seoul"
    std::string country;  // "082"
    std::string host;     // "10.0.0.2:5060" (SIP address of that centre)
    bool self = false;    // this is the centre the snapshot is for
    int priority = 10;    // lower first when a country has several centres
    int weight = 1;       // share of calls among centres of equal priority (0: only as backup)
};
struct CarrierRow {
    std::string name;                   // "kr-voip"
    std::string host;                   // its centre, "voip.example.kr:5060"
    std::vector<std::string> prefixes;  // E.164 prefixes, "+8270"
};
struct TrunkRow {
    std::string group;    // TDM trunk group, "kr-pstn"
    std::string country;  // "082"
    int priority = 0;     // lower first
    std::string centre;   // centre that owns the trunk; empty = this centre
    int weight = 1;       // share of calls among trunks of equal priority (0: only as backup)
};
struct RateRow {
    std::string prefix;  // E.164 prefix, "+82" or "+8210"
    double per_minute = 0;
};

class Snapshot;

// Collects rows, then build() checks references and returns the immutable snapshot.
// Errors throw std::invalid_argument naming the row (the data comes from the database, a
// bad row is an admin's mistake to report, not a reason to route wrongly).
class SnapshotBuilder {
public:
    SnapshotBuilder();
    ~SnapshotBuilder();

    SnapshotBuilder &add_builtin_countries();  // numplan::CountryTable::builtin()
    SnapshotBuilder &add_country(numplan::Country country);
    SnapshotBuilder &add_centre(CentreRow centre);
    // A SIP account (registrar username); contact_pstn: the member's contactable PSTN number.
    SnapshotBuilder &add_account(std::string_view username, std::string_view contact_pstn = {});
    // An own number (PIN, or any canonical number) owned by an account (may be empty: sold,
    // not yet registered).
    SnapshotBuilder &add_number(std::string_view number, std::string_view account,
                                std::string_view contact_pstn = {});
    // A company's branch: VNS base "62006200" in country "001", answered by an account.
    SnapshotBuilder &add_branch(std::string_view vns_base, std::string_view country,
                                std::string_view account, std::string_view contact_pstn = {});
    // A domain or e-mail address -> a member's number (canonical).
    SnapshotBuilder &add_alias(std::string_view alias, std::string_view number);
    SnapshotBuilder &add_carrier(CarrierRow carrier);
    SnapshotBuilder &add_trunk(TrunkRow trunk);
    SnapshotBuilder &add_rate(RateRow rate);
    // Expected row counts, to size the indexes once.
    SnapshotBuilder &reserve(size_t accounts, size_t numbers);

    std::shared_ptr<const Snapshot> build();

private:
    std::unique_ptr<Snapshot> s_;
    std::vector<std::pair<std::string, std::string>> aliases_;
};

// Read-only after build; share it between threads freely.
class Snapshot {
public:
    static constexpr uint32_t none = UINT32_MAX;

    struct Account {
        uint32_t contact = none;  // offset of the contactable PSTN number in the pool
        uint16_t country = 0;     // numeric country of its own number, 0 if none
    };
    struct Owned {                // an own number or a branch
        uint32_t account = none;  // account id
        uint32_t contact = none;
    };
    struct Centre {
        std::string name, country, host;
        bool self = false;
        int priority = 10, weight = 1;
    };
    struct Carrier {
        std::string name, host;
    };
    struct Trunk {
        std::string group, country;
        int priority = 0;
        int centre = -1;  // index in centres(), -1 = this centre
        int weight = 1;
    };

    const numplan::CountryTable &countries() const { return countries_; }
    numplan::NumberPlan plan() const { return numplan::NumberPlan(countries_); }

    uint32_t find_account(std::string_view username) const { return accounts_.find(username); }
    std::string_view account_name(uint32_t id) const { return accounts_.key(id); }
    const Account &account(uint32_t id) const { return account_recs_[id]; }
    const Owned *find_number(std::string_view canonical) const;
    const Owned *find_branch(std::string_view vns_canonical) const;  // "62006200#001"
    bool has_vns_base(std::string_view base) const { return vns_bases_.find(base) != npos_; }
    // The countries ("082", ...) where a VNS base has branches, in order of addition.
    std::vector<std::string> branch_countries(std::string_view base) const;
    // The member number an alias (already lower case) stands for; empty if none.
    std::string_view find_alias(std::string_view alias) const;
    std::string_view contact(uint32_t offset) const;

    const Centre *self_centre() const { return self_ < 0 ? nullptr : &centres_[self_]; }
    // The centre serving a country (this centre when it is one of them, else the first by
    // priority); nullptr if none.
    const Centre *centre_for(std::string_view country3) const;
    // Every centre of a country (indexes in centres()), by priority; empty if none.
    const std::vector<int> &centres_for(std::string_view country3) const;
    const Carrier *carrier(std::string_view name) const;
    // Trunks for a country, best first; empty if none.
    const std::vector<Trunk> &trunks_for(std::string_view country3) const;
    const std::vector<Centre> &centres() const { return centres_; }
    // Per-minute rate of the longest matching prefix; -1 when none. has_rates(): any loaded.
    double rate_for(std::string_view e164) const;
    bool has_rates() const { return !rates_.empty(); }

    size_t account_count() const { return accounts_.size(); }
    size_t number_count() const { return numbers_.size(); }
    // Approximate bytes held by the per-member tables.
    size_t memory() const;

private:
    friend class SnapshotBuilder;
    static constexpr uint32_t npos_ = StringIndex::npos;
    uint32_t intern_contact(std::string_view e164);

    numplan::CountryTable countries_;
    StringIndex accounts_;
    std::vector<Account> account_recs_;
    std::vector<bool> account_declared_;
    StringIndex numbers_;
    std::vector<Owned> number_recs_;
    StringIndex branches_;  // "base#cc"
    std::vector<Owned> branch_recs_;
    StringIndex vns_bases_;
    std::vector<std::vector<uint16_t>> base_countries_;
    StringIndex aliases_;
    std::vector<uint32_t> alias_numbers_;  // pool offsets
    std::string pool_;                     // [len][bytes] strings: contacts, alias targets
    std::vector<Centre> centres_;
    int self_ = -1;
    std::vector<int16_t> centre_by_country_;            // 1000 entries
    std::vector<std::vector<int>> centres_by_country_;  // 1000 entries, by priority
    std::vector<Carrier> carriers_;
    std::vector<std::vector<Trunk>> trunks_by_country_;  // 1000 entries
    std::vector<std::pair<std::string, double>> rates_;  // sorted by prefix
    size_t max_rate_prefix_ = 0;
};

// Holds the current snapshot; readers load, the reloader stores (atomic shared_ptr ops).
class SnapshotHolder {
public:
    std::shared_ptr<const Snapshot> load() const { return std::atomic_load(&current_); }
    void store(std::shared_ptr<const Snapshot> s) { std::atomic_store(&current_, std::move(s)); }

private:
    std::shared_ptr<const Snapshot> current_;
};

}  // namespace vce::routing
