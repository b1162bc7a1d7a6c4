// A compact string -> id index (open addressing over one arena) for million-row snapshots.
#include "routing/StringIndex.h"

#include <stdexcept>

namespace vce::routing {

uint64_t StringIndex::hash(std::string_view s) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a, then a final mix
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return h;
}

std::string_view StringIndex::key(uint32_t id) const {
    uint32_t off = offsets_[id];
    auto len = static_cast<unsigned char>(arena_[off]);
    return std::string_view(arena_.data() + off + 1, len);
}

// A slot holds (hash >> 32) << 32 | (id + 1): the high hash bits spare most key reads.
uint32_t StringIndex::find(std::string_view k) const {
    if (slots_.empty()) return npos;
    size_t mask = slots_.size() - 1;
    uint64_t h = hash(k);
    uint64_t tag = h >> 32;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        uint64_t s = slots_[i];
        if (s == 0) return npos;
        auto id = static_cast<uint32_t>(s) - 1;
        if ((s >> 32) == tag && key(id) == k) return id;
    }
}

void StringIndex::rehash(size_t n) {
    std::vector<uint64_t> fresh(n, 0);
    size_t mask = n - 1;
    for (uint32_t id = 0; id < offsets_.size(); ++id) {
        uint64_t h = hash(key(id));
        size_t i = h & mask;
        while (fresh[i] != 0) i = (i + 1) & mask;
        fresh[i] = ((h >> 32) << 32) | (id + 1);
    }
    slots_.swap(fresh);
}

void StringIndex::reserve(size_t n) {
    offsets_.reserve(n);
    arena_.reserve(n * 14);
    size_t want = 16;
    while (want * 7 < n * 10) want <<= 1;  // load factor <= 0.7
    if (want > slots_.size()) rehash(want);
}

uint32_t StringIndex::insert(std::string_view k, bool *added) {
    if (k.size() > 255) throw std::invalid_argument("key longer than 255 bytes");
    uint32_t id = find(k);
    if (added) *added = id == npos;
    if (id != npos) return id;
    if ((offsets_.size() + 1) * 10 > slots_.size() * 7)
        rehash(slots_.empty() ? 16 : slots_.size() * 2);
    if (arena_.size() + k.size() + 1 > UINT32_MAX) throw std::length_error("index arena full");
    id = static_cast<uint32_t>(offsets_.size());
    offsets_.push_back(static_cast<uint32_t>(arena_.size()));
    arena_.push_back(static_cast<char>(k.size()));
    arena_.append(k);
    size_t mask = slots_.size() - 1;
    uint64_t h = hash(k);
    size_t i = h & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = ((h >> 32) << 32) | (id + 1);
    return id;
}

size_t StringIndex::memory() const {
    return arena_.capacity() + offsets_.capacity() * sizeof(uint32_t) +
           slots_.capacity() * sizeof(uint64_t);
}

void StringIndex::shrink() {
    arena_.shrink_to_fit();
    offsets_.shrink_to_fit();
}

}  // namespace vce::routing
