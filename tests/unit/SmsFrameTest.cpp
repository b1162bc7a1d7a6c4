// res_sms: the VSMS/1 frame parser and encoder from tables (good frames, every kind of bad
// one, streams cut anywhere), and the REGISTER digest.
#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "modules/res_sms/Digest.h"
#include "modules/res_sms/Frame.h"

using namespace vce::sms;

namespace {
const std::string kMsg =
    "VSMS/1 MESSAGE\r\nId: 17\r\nFrom: 02-6200-6200-082\r\nTo: 6200-6200#001\r\n"
    "Content-Type: text/plain;charset=utf-8\r\nLength: 5\r\n\r\nhello\r\n";
}

class SmsFrameTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SmsFrameTest);
    CPPUNIT_TEST(messageParses);
    CPPUNIT_TEST(badFramesGetTheRightCode);
    CPPUNIT_TEST(everyKindRoundTrips);
    CPPUNIT_TEST(bodiesAreBytes);
    CPPUNIT_TEST(streamCutAnywhereWaits);
    CPPUNIT_TEST(streamResynchronisesAfterABadFrame);
    CPPUNIT_TEST(digestMatchesSipHa1);
    CPPUNIT_TEST_SUITE_END();

public:
    void messageParses() {
        auto r = parse(kMsg, Framing::Datagram);
        CPPUNIT_ASSERT_EQUAL(ParseResult::Complete, r.state);
        CPPUNIT_ASSERT_EQUAL(kMsg.size(), r.consumed);
        CPPUNIT_ASSERT_EQUAL(std::string("17"), r.frame.id);
        CPPUNIT_ASSERT_EQUAL(std::string("02-6200-6200-082"), r.frame.from);
        CPPUNIT_ASSERT_EQUAL(std::string("6200-6200#001"), r.frame.to);
        CPPUNIT_ASSERT_EQUAL(std::string("hello"), r.frame.body);
        CPPUNIT_ASSERT_EQUAL(kMsg, encode(r.frame));
    }

    void badFramesGetTheRightCode() {
        struct Row {
            std::string in, code, reason_has;
        } rows[] = {
            {"", "400", "empty"},
            {"HELLO\r\n\r\n\r\n", "400", "not a VSMS frame"},
            {"VSMS/2 MESSAGE\r\nLength: 0\r\n\r\n\r\n", "505", "version \"2\""},
            {"VSMS/1\r\nLength: 0\r\n\r\n\r\n", "400", "without a kind"},
            {"VSMS/1 SEND\r\nLength: 0\r\n\r\n\r\n", "501", "unknown kind \"SEND\""},
            {"VSMS/1 MESSAGE\r\nId: 1\r\nFrom: 1\r\nTo: 2\r\n\r\n\r\n", "411", "no Length"},
            {"VSMS/1 MESSAGE\r\nId: 1\r\nFrom: 1\r\nTo: 2\r\nLength: 9\r\n\r\nabc\r\n", "411",
             "Length says 9 bytes but the body has 3"},
            {"VSMS/1 MESSAGE\r\nId: 1\r\nFrom: 1\r\nTo: 2\r\nLength: 1\r\n\r\nabc\r\n", "411",
             "Length says 1"},
            {"VSMS/1 MESSAGE\r\nId: 1\r\nFrom: 1\r\nTo: 2\r\nLength: x\r\n\r\n\r\n", "400",
             "Length: expected digits"},
            {"VSMS/1 MESSAGE\r\nId: 1\r\nFrom: 1\r\nLength: 0\r\n\r\n\r\n", "400",
             "MESSAGE without To"},
            {"VSMS/1 MESSAGE\r\nId: 1\r\nFrom: 1\r\nFrom: 1\r\nTo: 2\r\nLength: 0\r\n\r\n\r\n",
             "400", "From given twice"},
            {"VSMS/1 MESSAGE\r\nId: 1\r\nFrom: 1\r\nTo: 2\r\nColour: red\r\nLength: 0\r\n\r\n\r\n",
             "400", "\"Colour\" does not belong in MESSAGE"},
            {"VSMS/1 MESSAGE\r\nId: 1\r\nFrom: 1\r\nTo: 2\r\nStatus: stored\r\nLength: "
             "0\r\n\r\n\r\n",
             "400", "\"Status\" does not belong"},
            {"VSMS/1 MESSAGE\r\nId: a b\r\nFrom: 1\r\nTo: 2\r\nLength: 0\r\n\r\n\r\n", "400",
             "Id: expected"},
            {"VSMS/1 MESSAGE\r\nId: 1\r\nFrom: 1\r\nTo: 2\r\nContent-Type: text\r\nLength: "
             "0\r\n\r\n\r\n",
             "400", "type/subtype"},
            {"VSMS/1 MESSAGE\r\nId: 1\r\nFrom:1\r\nTo: 2\r\nLength: 0\r\n\r\n\r\n", "400",
             "not \"Name: value\""},
            {"VSMS/1 MESSAGE\r\nId: 1\r\nFrom: 1\r\nTo: 2\r\nLength: 70000\r\n\r\n\r\n", "413",
             "over the limit of 65536"},
            {"VSMS/1 REPORT\r\nId: 1\r\nStatus: lost\r\nLength: 0\r\n\r\n\r\n", "400",
             "delivered, stored, expired or refused"},
            {"VSMS/1 REPORT\r\nId: 1\r\nStatus: stored\r\nLength: 2\r\n\r\nab\r\n", "400",
             "carries no body"},
            {"VSMS/1 REGISTER\r\nNumber: 1\r\nExpires: 60\r\nNonce: n\r\nLength: 0\r\n\r\n\r\n",
             "400", "both Nonce and Response"},
            {"VSMS/1 ERROR\r\nCode: 400\r\nLength: 0\r\n\r\n\r\n", "400", "ERROR without Reason"},
            {"VSMS/1 MESSAGE\r\nId: 1\r\nFrom: 1\r\nTo: 2\r\nLength: 0\r\n", "400",
             "no blank line"},
            {"VSMS/1 MESSAGE\r\nId: 1\r\n" + std::string(5000, 'x') + "\r\n\r\n\r\n", "400",
             "header longer than 4096"},
        };
        for (const auto &row : rows) {
            auto r = parse(row.in, Framing::Datagram);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(row.in, ParseResult::Invalid, r.state);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(row.in, row.code, r.code);
            CPPUNIT_ASSERT_MESSAGE(row.in + " -> " + r.reason,
                                   r.reason.find(row.reason_has) != std::string::npos);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(row.in, row.in.size(), r.consumed);
            // The answer is itself a valid frame carrying the same code.
            auto back = parse(encode(error_frame(r.code, r.reason, r.id)), Framing::Datagram);
            CPPUNIT_ASSERT_EQUAL(ParseResult::Complete, back.state);
            CPPUNIT_ASSERT_EQUAL(row.code, back.frame.code);
        }
        // A refusal names the frame it refuses when its Id could be read.
        auto r = parse("VSMS/1 MESSAGE\r\nId: m7\r\nFrom: 1\r\nLength: 0\r\n\r\n\r\n",
                       Framing::Datagram);
        CPPUNIT_ASSERT_EQUAL(std::string("m7"), r.id);
    }

    void everyKindRoundTrips() {
        Frame rep;
        rep.kind = Kind::Report;
        rep.id = "9";
        rep.status = "refused";
        rep.reason = "not registered here";
        Frame reg;
        reg.kind = Kind::Register;
        reg.number = "0262006200082";
        reg.expires = "3600";
        reg.terminal = "00-11-22-33-44-55";
        reg.realm = "vce.test";
        reg.nonce = "abc";
        reg.response = "0123456789abcdef";
        Frame chal;
        chal.kind = Kind::Challenge;
        chal.number = "0262006200082";
        chal.realm = "vce.test";
        chal.nonce = "abc";
        Frame regd;
        regd.kind = Kind::Registered;
        regd.number = "0262006200082";
        regd.expires = "0";
        Frame msg;
        msg.id = "x-1";
        msg.from = "kim@example.com";
        msg.to = "+82262006200";
        for (const Frame &f : {rep, reg, chal, regd, msg, error_frame("403", "who are you?")}) {
            std::string wire = encode(f);
            auto r = parse(wire, Framing::Datagram);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(wire + r.reason, ParseResult::Complete, r.state);
            CPPUNIT_ASSERT_EQUAL(wire, encode(r.frame));
        }
    }

    void bodiesAreBytes() {
        for (std::string body : {std::string(), std::string("a\0b\r\n\0", 6),
                                 std::string(65536, '\0'), std::string("\xff\xfe\r\n\r\nVSMS/1")}) {
            Frame f;
            f.id = "1";
            f.from = "1";
            f.to = "2";
            f.content_type = "application/octet-stream";
            f.body = body;
            auto r = parse(encode(f), Framing::Stream);
            CPPUNIT_ASSERT_EQUAL(ParseResult::Complete, r.state);
            CPPUNIT_ASSERT(body == r.frame.body);
        }
    }

    void streamCutAnywhereWaits() {
        std::string two = kMsg + kMsg;
        for (size_t cut = 0; cut < kMsg.size(); ++cut) {
            auto r = parse(std::string_view(kMsg).substr(0, cut), Framing::Stream);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(std::to_string(cut), ParseResult::Incomplete, r.state);
        }
        auto r = parse(two, Framing::Stream);
        CPPUNIT_ASSERT_EQUAL(ParseResult::Complete, r.state);
        CPPUNIT_ASSERT_EQUAL(kMsg.size(), r.consumed);
    }

    void streamResynchronisesAfterABadFrame() {
        std::string bad = "VSMS/1 SHOUT\r\nLength: 0\r\n\r\n\r\n";
        std::string junk = "GET / HTTP/1.0\r\n\r\n";
        for (const std::string &first : {bad, junk}) {
            std::string in = first + kMsg;
            auto r = parse(in, Framing::Stream);
            CPPUNIT_ASSERT_EQUAL(ParseResult::Invalid, r.state);
            CPPUNIT_ASSERT_EQUAL(first.size(), r.consumed);
            auto next = parse(std::string_view(in).substr(r.consumed), Framing::Stream);
            CPPUNIT_ASSERT_EQUAL(ParseResult::Complete, next.state);
            CPPUNIT_ASSERT_EQUAL(std::string("hello"), next.frame.body);
        }
    }

    void digestMatchesSipHa1() {
        // RFC 2617's own example inputs, through our HA1 (MD5 of user:realm:password).
        CPPUNIT_ASSERT_EQUAL(std::string("939e7578ed9e3c518a452acee763bce9"),
                             digest_ha1("Mufasa", "testrealm@host.com", "Circle Of Life"));
        std::string a = digest_response("939e7578ed9e3c518a452acee763bce9", "n1", "100");
        CPPUNIT_ASSERT_EQUAL(size_t(32), a.size());
        CPPUNIT_ASSERT(a != digest_response("939e7578ed9e3c518a452acee763bce9", "n2", "100"));
        CPPUNIT_ASSERT(a != digest_response("939e7578ed9e3c518a452acee763bce9", "n1", "101"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SmsFrameTest);
