// A minimal SDP offer/answer (RFC 3264) for one audio stream: PCMU/PCMA, telephone-event and
// optional SDES-SRTP. Pure. Errors: results carry a SIP status (488) and a reason a person can act
// on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/media/SdpCrypto.h"

namespace vce::media {

struct SdpAudio {
    std::string address;  // c= (session or media level)
    uint16_t port = 0;
    std::string profile;            // "RTP/AVP" or "RTP/SAVP"
    std::vector<int> payloadTypes;  // m= order
    int telephoneEventPt = -1;      // from a=rtpmap:<pt> telephone-event/8000
    std::vector<CryptoAttribute> crypto;
};

struct SdpParseResult {
    std::optional<SdpAudio> audio;
    std::string error;
};
// Finds the first m=audio line; c= and a=rtpmap/a=crypto of that media are read.
SdpParseResult parseSdpAudio(const std::string &sdp);

enum class SrtpPolicy { Off, Optional, Required };

struct LocalMedia {
    std::string address = "127.0.0.1";
    uint16_t port = 0;
    std::vector<int> codecs = {8, 0};  // our preference: PCMA then PCMU
    int telephoneEventPt = 101;        // -1: do not offer/accept telephone-event
    SrtpPolicy srtp = SrtpPolicy::Optional;
    std::vector<SrtpSuite> suites = {SrtpSuite::AesCm128HmacSha1_80,
                                     SrtpSuite::AesCm128HmacSha1_32};
    std::vector<uint8_t> srtpKey;  // our master key (30 bytes) if SRTP may be used
    uint64_t sessionId = 1;
};

struct NegotiatedMedia {
    std::string remoteAddress;
    uint16_t remotePort = 0;
    uint8_t audioPt = 8;
    int telephoneEventPt = -1;
    std::optional<SrtpSuite> suite;  // set: SRTP with the keys below
    std::vector<uint8_t> localKey, remoteKey;
};

struct OfferAnswerResult {
    bool ok = false;
    int status = 200;    // 488 Not Acceptable Here when refused
    std::string reason;  // why refused
    std::string sdp;     // the answer (answerOffer) when ok
    NegotiatedMedia media;
};

std::string buildOffer(const LocalMedia &local);
// The answerer's side: choose a codec and (if offered) a crypto suite, or refuse with 488.
OfferAnswerResult answerOffer(const std::string &offerSdp, const LocalMedia &local);
// The offerer's side, once the answer arrives.
OfferAnswerResult acceptAnswer(const LocalMedia &local, const std::string &answerSdp);

}  // namespace vce::media
