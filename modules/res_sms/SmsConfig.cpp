// res_sms.conf [general] into SmsConfig; an out-of-range value is refused with its key.
#include "modules/res_sms/SmsConfig.h"

namespace vce::sms {

namespace {
long in_range(const ConfigSection &g, const std::string &key, long fallback, long lo, long hi) {
    long v = g.get_int(key, fallback);
    if (v < lo || v > hi) {
        const ConfigEntry *e = g.find(key);
        throw ConfigError("res_sms.conf", e ? e->line : 0,
                          key + " = " + std::to_string(v) + ": expected " + std::to_string(lo) +
                              ".." + std::to_string(hi));
    }
    return v;
}
}  // namespace

SmsConfig SmsConfig::from(const Config &conf) {
    SmsConfig c;
    const ConfigSection *g = conf.section("general");
    if (!g) return c;
    c.bind_ip = g->get("bind_ip", c.bind_ip);
    c.port = static_cast<int>(in_range(*g, "port", c.port, 1, 65535));
    c.number = g->get("number", "");
    c.register_seconds =
        static_cast<int>(in_range(*g, "register_seconds", c.register_seconds, 10, 86400));
    c.max_expires = static_cast<int>(in_range(*g, "max_expires", c.max_expires, 60, 86400));
    c.max_body = static_cast<size_t>(in_range(*g, "max_body", 65536, 0, 1 << 20));
    c.delivery_timeout =
        static_cast<int>(in_range(*g, "delivery_timeout", c.delivery_timeout, 1, 300));
    c.sender_rate = static_cast<int>(in_range(*g, "sender_rate", c.sender_rate, 0, 1000000));
    c.store_seconds =
        static_cast<int>(in_range(*g, "store_seconds", c.store_seconds, 5, 90 * 86400));
    c.retry_seconds = static_cast<int>(in_range(*g, "retry_seconds", c.retry_seconds, 1, 86400));
    c.retry_max = static_cast<int>(in_range(*g, "retry_max", c.retry_max, 1, 86400));
    return c;
}

}  // namespace vce::sms
