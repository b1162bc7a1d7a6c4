// A minimal SDP offer/answer (RFC 3264) for one audio stream: PCMU/PCMA, telephone-event, SDES.
#include "daemon/media/SdpAudio.h"

#include <algorithm>
#include <sstream>

namespace vce::media {
namespace {

std::string codecName(int pt) {
    return pt == 0 ? "PCMU" : "PCMA";
}

std::vector<std::string> lines(const std::string &sdp) {
    std::vector<std::string> out;
    std::istringstream in(sdp);
    std::string l;
    while (std::getline(in, l)) {
        if (!l.empty() && l.back() == '\r') l.pop_back();
        if (!l.empty()) out.push_back(l);
    }
    return out;
}

std::string render(const LocalMedia &local, const std::vector<int> &pts, int tePt,
                   const std::optional<CryptoAttribute> &answerCrypto, bool offer) {
    std::ostringstream s;
    const bool savp = answerCrypto.has_value() || (offer && local.srtp == SrtpPolicy::Required);
    s << "v=0\r\n"
      << "o=vce " << local.sessionId << " " << local.sessionId << " IN IP4 " << local.address
      << "\r\n"
      << "s=vce\r\n"
      << "c=IN IP4 " << local.address << "\r\n"
      << "t=0 0\r\n"
      << "m=audio " << local.port << " " << (savp ? "RTP/SAVP" : "RTP/AVP");
    for (int pt : pts) s << " " << pt;
    if (tePt >= 0) s << " " << tePt;
    s << "\r\n";
    for (int pt : pts) s << "a=rtpmap:" << pt << " " << codecName(pt) << "/8000\r\n";
    if (tePt >= 0)
        s << "a=rtpmap:" << tePt << " telephone-event/8000\r\na=fmtp:" << tePt << " 0-16\r\n";
    if (answerCrypto) {
        s << formatCryptoAttribute(*answerCrypto) << "\r\n";
    } else if (offer && local.srtp != SrtpPolicy::Off &&
               local.srtpKey.size() == kSrtpMasterKeyLen) {
        int tag = 1;
        for (SrtpSuite suite : local.suites) {
            CryptoAttribute a;
            a.tag = tag++;
            a.suite = suite;
            a.key = local.srtpKey;
            s << formatCryptoAttribute(a) << "\r\n";
        }
    }
    s << "a=ptime:20\r\na=sendrecv\r\n";
    return s.str();
}

OfferAnswerResult refuse(const std::string &why) {
    OfferAnswerResult r;
    r.ok = false;
    r.status = 488;
    r.reason = why;
    return r;
}

}  // namespace

SdpParseResult parseSdpAudio(const std::string &sdp) {
    SdpParseResult r;
    SdpAudio a;
    std::string sessionAddr;
    bool inAudio = false, seenAudio = false;
    for (const std::string &l : lines(sdp)) {
        if (l.size() < 2 || l[1] != '=') {
            r.error = "SDP line '" + l + "' is not '<type>=<value>'";
            return r;
        }
        const std::string v = l.substr(2);
        if (l[0] == 'm') {
            if (seenAudio) {
                inAudio = false;
                continue;
            }
            std::istringstream in(v);
            std::string media, port, profile;
            in >> media >> port >> profile;
            if (media != "audio") continue;
            inAudio = seenAudio = true;
            try {
                const int p = std::stoi(port);
                if (p < 0 || p > 65535) throw std::out_of_range(port);
                a.port = static_cast<uint16_t>(p);
            } catch (const std::exception &) {
                r.error = "SDP m=audio line '" + l + "': port '" + port + "' is not 0-65535";
                return r;
            }
            a.profile = profile;
            std::string pt;
            while (in >> pt) {
                try {
                    a.payloadTypes.push_back(std::stoi(pt));
                } catch (const std::exception &) {
                    r.error =
                        "SDP m=audio line '" + l + "': payload type '" + pt + "' is not a number";
                    return r;
                }
            }
        } else if (l[0] == 'c') {
            std::istringstream in(v);
            std::string net, type, addr;
            in >> net >> type >> addr;
            if (inAudio)
                a.address = addr;
            else if (!seenAudio)
                sessionAddr = addr;
        } else if (l[0] == 'a' && inAudio) {
            if (v.rfind("rtpmap:", 0) == 0) {
                std::istringstream in(v.substr(7));
                int pt = -1;
                std::string enc;
                in >> pt >> enc;
                std::string lower = enc;
                std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
                if (lower == "telephone-event/8000") a.telephoneEventPt = pt;
            } else if (v.rfind("crypto:", 0) == 0) {
                auto c = parseCryptoAttribute(v);
                if (!c.attribute) {
                    r.error = c.error;
                    return r;
                }
                a.crypto.push_back(std::move(*c.attribute));
            }
        }
    }
    if (!seenAudio) {
        r.error = "SDP has no m=audio line";
        return r;
    }
    if (a.address.empty()) a.address = sessionAddr;
    if (a.address.empty()) {
        r.error = "SDP has no c= connection address for the audio stream";
        return r;
    }
    r.audio = std::move(a);
    return r;
}

std::string buildOffer(const LocalMedia &local) {
    return render(local, local.codecs, local.telephoneEventPt, std::nullopt, true);
}

OfferAnswerResult answerOffer(const std::string &offerSdp, const LocalMedia &local) {
    const SdpParseResult p = parseSdpAudio(offerSdp);
    if (!p.audio) return refuse("unreadable offer: " + p.error);
    const SdpAudio &o = *p.audio;
    OfferAnswerResult r;
    // Codec: our first preference that the offer lists.
    int chosen = -1;
    for (int pt : local.codecs)
        if (std::find(o.payloadTypes.begin(), o.payloadTypes.end(), pt) != o.payloadTypes.end()) {
            chosen = pt;
            break;
        }
    if (chosen < 0) return refuse("no common codec: we accept PCMA (8) and PCMU (0) only");
    const int te = local.telephoneEventPt >= 0 ? o.telephoneEventPt : -1;
    // Crypto.
    const bool savp = o.profile == "RTP/SAVP";
    std::optional<CryptoAttribute> answerCrypto;
    if (savp || !o.crypto.empty()) {
        if (local.srtp == SrtpPolicy::Off) {
            if (savp) return refuse("SRTP (RTP/SAVP) offered but SRTP is disabled here");
        } else {
            CryptoChoice c = chooseCrypto(o.crypto);
            if (!c.chosen) {
                if (savp || local.srtp == SrtpPolicy::Required) return refuse(c.error);
            } else {
                if (local.srtpKey.size() != kSrtpMasterKeyLen)
                    return refuse("SRTP offered but no local SRTP key is configured");
                answerCrypto = CryptoAttribute{};
                answerCrypto->tag = c.chosen->tag;
                answerCrypto->suite = c.chosen->suite;
                answerCrypto->key = local.srtpKey;
                r.media.suite = c.chosen->suite;
                r.media.remoteKey = c.chosen->key;
                r.media.localKey = local.srtpKey;
            }
        }
    } else if (local.srtp == SrtpPolicy::Required) {
        return refuse(
            "SRTP is required here but the offer has no a=crypto (RTP/SAVP with "
            "AES_CM_128_HMAC_SHA1_80 or _32)");
    }
    r.ok = true;
    r.status = 200;
    r.media.remoteAddress = o.address;
    r.media.remotePort = o.port;
    r.media.audioPt = static_cast<uint8_t>(chosen);
    r.media.telephoneEventPt = te;
    r.sdp = render(local, {chosen}, te >= 0 ? te : -1, answerCrypto, false);
    return r;
}

OfferAnswerResult acceptAnswer(const LocalMedia &local, const std::string &answerSdp) {
    const SdpParseResult p = parseSdpAudio(answerSdp);
    if (!p.audio) return refuse("unreadable answer: " + p.error);
    const SdpAudio &a = *p.audio;
    OfferAnswerResult r;
    if (a.payloadTypes.empty() || std::find(local.codecs.begin(), local.codecs.end(),
                                            a.payloadTypes.front()) == local.codecs.end())
        return refuse("answer chose a codec we did not offer");
    r.media.audioPt = static_cast<uint8_t>(a.payloadTypes.front());
    r.media.telephoneEventPt = local.telephoneEventPt >= 0 ? a.telephoneEventPt : -1;
    r.media.remoteAddress = a.address;
    r.media.remotePort = a.port;
    if (!a.crypto.empty()) {
        const CryptoAttribute &c = a.crypto.front();
        if (!c.suite ||
            std::find(local.suites.begin(), local.suites.end(), *c.suite) == local.suites.end())
            return refuse("answer chose crypto suite " + c.suiteName + " which we did not offer");
        r.media.suite = c.suite;
        r.media.remoteKey = c.key;
        r.media.localKey = local.srtpKey;
    } else if (local.srtp == SrtpPolicy::Required) {
        return refuse("SRTP is required but the answer has no a=crypto");
    }
    r.ok = true;
    return r;
}

}  // namespace vce::media
