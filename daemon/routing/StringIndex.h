// A compact string -> id index (open addressing over one arena) for million-row snapshots.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vce::routing {

// Ids are dense (0, 1, 2...) in insertion order so callers keep per-id data in vectors.
// Keys are at most 255 bytes. Lookups allocate nothing. Not thread-safe while inserting;
// safe to share read-only.
class StringIndex {
public:
    static constexpr uint32_t npos = UINT32_MAX;

    // The id of `key`, inserting it when new; *added (if given) tells which.
    uint32_t insert(std::string_view key, bool *added = nullptr);
    uint32_t find(std::string_view key) const;
    std::string_view key(uint32_t id) const;
    size_t size() const { return offsets_.size(); }
    void reserve(size_t n);
    // Bytes held (arena, ids, slots).
    size_t memory() const;
    // Drops spare capacity once filled.
    void shrink();

private:
    static uint64_t hash(std::string_view s);
    void rehash(size_t slots);

    std::string arena_;              // [len][bytes] per key
    std::vector<uint32_t> offsets_;  // id -> arena offset
    std::vector<uint64_t> slots_;    // hash tag | id + 1, 0 = empty; power-of-two size
};

}  // namespace vce::routing
