// Caller ID on FXS lines: MDMF message generation (SpanDSP ADSI tx) and decoding (ADSI rx).
#include "spandsp_glue/CallerId.h"

#include <algorithm>
#include <stdexcept>

namespace vce::dsp {
namespace {

// CLASS (Bellcore) and ETSI CLIP share the MDMF field codes used here.
constexpr uint8_t kMdmfCallerId = 0x80;
constexpr uint8_t kFieldDateTime = 0x01;
constexpr uint8_t kFieldNumber = 0x02;
constexpr uint8_t kFieldAbsence = 0x04;
constexpr uint8_t kFieldName = 0x07;

int spanStandard(CallerIdStandard s) {
    return s == CallerIdStandard::Bellcore ? ADSI_STANDARD_CLASS : ADSI_STANDARD_CLIP;
}

}  // namespace

CallerIdGenerator::CallerIdGenerator(CallerIdStandard standard)
    : standard_(spanStandard(standard)) {
    tx_.reset(adsi_tx_init(nullptr, standard_));
    if (!tx_) throw std::runtime_error("caller id: cannot initialise SpanDSP adsi_tx");
}

bool CallerIdGenerator::start(const CallerIdInfo &info) {
    if (active_ || info.number.size() > 20 || info.name.size() > 50 ||
        (!info.dateTime.empty() && info.dateTime.size() != 8))
        return false;
    uint8_t msg[256];
    auto bytes = [](const std::string &s) { return reinterpret_cast<const uint8_t *>(s.data()); };
    int len = adsi_add_field(tx_.get(), msg, 0, kMdmfCallerId, nullptr, 0);
    if (!info.dateTime.empty())
        len = adsi_add_field(tx_.get(), msg, len, kFieldDateTime, bytes(info.dateTime), 8);
    if (!info.number.empty()) {
        len = adsi_add_field(tx_.get(), msg, len, kFieldNumber, bytes(info.number),
                             static_cast<int>(info.number.size()));
    } else {
        const uint8_t privateCode = 'P';
        len = adsi_add_field(tx_.get(), msg, len, kFieldAbsence, &privateCode, 1);
    }
    if (!info.name.empty())
        len = adsi_add_field(tx_.get(), msg, len, kFieldName, bytes(info.name),
                             static_cast<int>(info.name.size()));
    if (adsi_tx_put_message(tx_.get(), msg, len) <= 0) return false;
    active_ = true;
    return true;
}

bool CallerIdGenerator::generate(int16_t *amp, std::size_t n) {
    if (!active_) return false;
    const int got = adsi_tx(tx_.get(), amp, static_cast<int>(n));
    std::fill(amp + std::max(got, 0), amp + n, int16_t{0});
    if (got < static_cast<int>(n)) active_ = false;
    return true;
}

CallerIdDecoder::CallerIdDecoder(CallerIdStandard standard) {
    rx_.reset(adsi_rx_init(nullptr, spanStandard(standard), &CallerIdDecoder::onMessage, this));
    if (!rx_) throw std::runtime_error("caller id: cannot initialise SpanDSP adsi_rx");
}

void CallerIdDecoder::process(const int16_t *amp, std::size_t n) {
    adsi_rx(rx_.get(), amp, static_cast<int>(n));
}

std::optional<CallerIdInfo> CallerIdDecoder::take() {
    auto r = std::move(last_);
    last_.reset();
    return r;
}

void CallerIdDecoder::onMessage(void *user, const uint8_t *msg, int len) {
    auto *self = static_cast<CallerIdDecoder *>(user);
    if (len < 2 || msg[0] != kMdmfCallerId) return;
    CallerIdInfo info;
    // MDMF: type, length, then (field type, field length, body)*.
    int pos = 2;
    const int end = std::min(len, 2 + msg[1]);
    while (pos + 2 <= end) {
        const uint8_t type = msg[pos];
        const int flen = msg[pos + 1];
        if (pos + 2 + flen > end) return;  // corrupt
        std::string body(reinterpret_cast<const char *>(msg + pos + 2),
                         static_cast<std::size_t>(flen));
        if (type == kFieldDateTime) info.dateTime = body;
        if (type == kFieldNumber) info.number = body;
        if (type == kFieldName) info.name = body;
        pos += 2 + flen;
    }
    self->last_ = std::move(info);
}

}  // namespace vce::dsp
