// A SIP message parsed from text for the chan_sip tests, freed with the object.
#pragma once

#include <sofia-sip/msg.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_parser.h>

#include <string>

struct ParsedSip {
    msg_t *msg = nullptr;
    explicit ParsedSip(const std::string &text) {
        msg = msg_make(sip_default_mclass(), 0, text.data(), text.size());
    }
    ~ParsedSip() {
        if (msg) msg_destroy(msg);
    }
    ParsedSip(const ParsedSip &) = delete;
    ParsedSip &operator=(const ParsedSip &) = delete;
    sip_t *sip() const { return msg ? sip_object(msg) : nullptr; }
    // The message as it would be sent (after changes to its headers).
    std::string text() {
        msg_serialize(msg, reinterpret_cast<msg_pub_t *>(sip()));
        size_t n = 0;
        char *b = msg_as_string(msg_home(msg), msg, nullptr, 0, &n);
        return b ? std::string(b) : std::string();
    }
};
