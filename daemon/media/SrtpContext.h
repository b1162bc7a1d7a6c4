// SRTP protect/unprotect for one direction of a call leg through libsrtp2, with the srtp_t
// owned by RAII. Suites: AES_CM_128_HMAC_SHA1_80 and AES_CM_128_HMAC_SHA1_32 (RFC 4568).
// Errors: the constructor throws std::runtime_error (bad key length, libsrtp failure);
// protect/unprotect return false and count the reason.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct srtp_ctx_t_;

namespace vce::media {

enum class SrtpSuite { AesCm128HmacSha1_80, AesCm128HmacSha1_32 };

constexpr std::size_t kSrtpMasterKeyLen = 30;  // 16-byte key + 14-byte salt
constexpr std::size_t kSrtpMaxTrailer = 144;   // room protect() may add (SRTP_MAX_TRAILER_LEN)

const char *srtpSuiteName(SrtpSuite s);
std::optional<SrtpSuite> parseSrtpSuite(const std::string &name);
std::size_t srtpTagLen(SrtpSuite s);  // 10 or 4

struct SrtpStats {
    uint64_t protectedPackets = 0, unprotectedPackets = 0;
    uint64_t authFailures = 0, replayFailures = 0, otherFailures = 0;
};

class SrtpContext {
public:
    enum class Direction { Outbound, Inbound };
    SrtpContext(SrtpSuite suite, const std::vector<uint8_t> &masterKey, Direction dir);
    ~SrtpContext();
    SrtpContext(const SrtpContext &) = delete;
    SrtpContext &operator=(const SrtpContext &) = delete;

    // In place: len grows by the tag; buf must have len + kSrtpMaxTrailer bytes.
    bool protect(uint8_t *buf, std::size_t &len);
    // In place: len shrinks. A packet failing authentication or replay is counted and dropped.
    bool unprotect(uint8_t *buf, std::size_t &len);

    SrtpSuite suite() const { return suite_; }
    const SrtpStats &stats() const { return stats_; }

private:
    SrtpSuite suite_;
    srtp_ctx_t_ *session_ = nullptr;
    SrtpStats stats_;
};

// A fresh random master key (key + salt) from the system CSPRNG.
std::vector<uint8_t> randomSrtpKey();

}  // namespace vce::media
