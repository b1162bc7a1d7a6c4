// SRTP protect/unprotect for one direction of a call leg through libsrtp2 (RAII srtp_t).
#include "daemon/media/SrtpContext.h"

#include <srtp2/srtp.h>
#include <sys/random.h>

#include <cstring>
#include <mutex>
#include <stdexcept>

namespace vce::media {
namespace {

void initLibrary() {
    static std::once_flag once;
    static srtp_err_status_t status = srtp_err_status_ok;
    std::call_once(once, [] { status = srtp_init(); });
    if (status != srtp_err_status_ok)
        throw std::runtime_error("srtp: srtp_init failed (libsrtp2 status " +
                                 std::to_string(status) + ")");
}

}  // namespace

const char *srtpSuiteName(SrtpSuite s) {
    return s == SrtpSuite::AesCm128HmacSha1_80 ? "AES_CM_128_HMAC_SHA1_80"
                                               : "AES_CM_128_HMAC_SHA1_32";
}

std::optional<SrtpSuite> parseSrtpSuite(const std::string &name) {
    if (name == "AES_CM_128_HMAC_SHA1_80") return SrtpSuite::AesCm128HmacSha1_80;
    if (name == "AES_CM_128_HMAC_SHA1_32") return SrtpSuite::AesCm128HmacSha1_32;
    return std::nullopt;
}

std::size_t srtpTagLen(SrtpSuite s) {
    return s == SrtpSuite::AesCm128HmacSha1_80 ? 10 : 4;
}

SrtpContext::SrtpContext(SrtpSuite suite, const std::vector<uint8_t> &masterKey, Direction dir)
    : suite_(suite) {
    if (masterKey.size() != kSrtpMasterKeyLen)
        throw std::runtime_error("srtp: master key must be 30 bytes (16 key + 14 salt), got " +
                                 std::to_string(masterKey.size()));
    initLibrary();
    srtp_policy_t policy;
    std::memset(&policy, 0, sizeof policy);
    if (suite == SrtpSuite::AesCm128HmacSha1_80)
        srtp_crypto_policy_set_rtp_default(&policy.rtp);
    else
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp);
    srtp_crypto_policy_set_rtcp_default(&policy.rtcp);
    policy.ssrc.type = dir == Direction::Outbound ? ssrc_any_outbound : ssrc_any_inbound;
    std::vector<uint8_t> key = masterKey;  // libsrtp copies it during srtp_create
    policy.key = key.data();
    policy.window_size = 128;
    policy.next = nullptr;
    srtp_t s = nullptr;
    const srtp_err_status_t st = srtp_create(&s, &policy);
    std::memset(key.data(), 0, key.size());
    if (st != srtp_err_status_ok)
        throw std::runtime_error("srtp: srtp_create failed (libsrtp2 status " + std::to_string(st) +
                                 ")");
    session_ = s;
}

SrtpContext::~SrtpContext() {
    if (session_) srtp_dealloc(session_);
}

bool SrtpContext::protect(uint8_t *buf, std::size_t &len) {
    int n = static_cast<int>(len);
    if (srtp_protect(session_, buf, &n) != srtp_err_status_ok) {
        ++stats_.otherFailures;
        return false;
    }
    len = static_cast<std::size_t>(n);
    ++stats_.protectedPackets;
    return true;
}

bool SrtpContext::unprotect(uint8_t *buf, std::size_t &len) {
    int n = static_cast<int>(len);
    const srtp_err_status_t st = srtp_unprotect(session_, buf, &n);
    if (st == srtp_err_status_ok) {
        len = static_cast<std::size_t>(n);
        ++stats_.unprotectedPackets;
        return true;
    }
    if (st == srtp_err_status_auth_fail)
        ++stats_.authFailures;
    else if (st == srtp_err_status_replay_fail || st == srtp_err_status_replay_old)
        ++stats_.replayFailures;
    else
        ++stats_.otherFailures;
    return false;
}

std::vector<uint8_t> randomSrtpKey() {
    std::vector<uint8_t> k(kSrtpMasterKeyLen);
    std::size_t got = 0;
    while (got < k.size()) {
        const ssize_t r = getrandom(k.data() + got, k.size() - got, 0);
        if (r <= 0) throw std::runtime_error("srtp: getrandom failed");
        got += static_cast<std::size_t>(r);
    }
    return k;
}

}  // namespace vce::media
