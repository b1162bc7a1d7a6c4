// chan_sip over TLS: the certificate checks sip.conf is read with (each problem named with its
// file), the TLS 1.2 floor on the contexts sofia-sip makes, the transport a URI asks for, and
// phones over TCP/TLS reached over their connection. Certificates are made here, in a temp dir.
#include <cppunit/extensions/HelperMacros.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "modules/chan_sip/Location.h"
#include "modules/chan_sip/SipConfig.h"
#include "modules/chan_sip/SipText.h"
#include "modules/chan_sip/TlsCredentials.h"
#include "vce/Config.h"

using namespace vce;
using namespace vce::sip;

namespace {

// A self-signed P-256 certificate and its key, as PEM files in `dir` (NAME.crt, NAME.key).
void make_certificate(const std::string &dir, const std::string &name) {
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, key);
    X509_NAME *n = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char *>("vce test"), -1, -1, 0);
    X509_set_issuer_name(x, n);
    X509_sign(x, key, EVP_sha256());
    FILE *f = fopen((dir + "/" + name + ".crt").c_str(), "w");
    PEM_write_X509(f, x);
    fclose(f);
    f = fopen((dir + "/" + name + ".key").c_str(), "w");
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    fclose(f);
    X509_free(x);
    EVP_PKEY_free(key);
}

void write(const std::string &path, const std::string &text) {
    FILE *f = fopen(path.c_str(), "w");
    fputs(text.c_str(), f);
    fclose(f);
}

}  // namespace

class ChanSipTlsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanSipTlsTest);
    CPPUNIT_TEST(filesAreChecked);
    CPPUNIT_TEST(configNamesTheFile);
    CPPUNIT_TEST(contextsRefuseOldTls);
    CPPUNIT_TEST(uriTransport);
    CPPUNIT_TEST(streamPhonesOverTheirConnection);
    CPPUNIT_TEST_SUITE_END();

    std::string dir_;

public:
    void setUp() override {
        char tmpl[] = "/tmp/vce-tlstest.XXXXXX";
        dir_ = mkdtemp(tmpl);
        make_certificate(dir_, "a");
        make_certificate(dir_, "b");
        write(dir_ + "/junk.pem", "not a certificate\n");
    }
    void tearDown() override {
        for (const char *f : {"a.crt", "a.key", "b.crt", "b.key", "junk.pem"})
            unlink((dir_ + "/" + f).c_str());
        rmdir(dir_.c_str());
    }

    void filesAreChecked() {
        const std::string d = dir_ + "/";
        const struct {
            std::string cert, key, ca, want;  // want: the start of the problem, "" for none
        } rows[] = {
            {d + "a.crt", d + "a.key", "", ""},
            {d + "a.crt", d + "a.key", d + "b.crt", ""},
            {d + "none.crt", d + "a.key", "", "tls_certificate " + d + "none.crt: cannot read it"},
            {d + "a.crt", d + "none.key", "", "tls_private_key " + d + "none.key: cannot read it"},
            {d + "junk.pem", d + "a.key", "", "tls_certificate " + d + "junk.pem: holds no PEM"},
            {d + "a.crt", d + "a.crt", "", "tls_private_key " + d + "a.crt: holds no PEM private"},
            {d + "a.crt", d + "b.key", "",
             "tls_private_key " + d + "b.key: does not match the certificate in " + d + "a.crt"},
            {d + "a.crt", d + "a.key", d + "junk.pem", "tls_ca_file " + d + "junk.pem: holds no"},
        };
        for (const auto &r : rows) {
            const std::string got = tls_files_problem(r.cert, r.key, r.ca);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.cert + " " + r.key + " " + r.ca, r.want,
                                         got.substr(0, r.want.size()));
            CPPUNIT_ASSERT_EQUAL_MESSAGE("nothing beyond: " + got, r.want.empty(), got.empty());
        }
    }

    void configNamesTheFile() {
        auto error_of = [](const std::string &general) -> std::string {
            try {
                SipConfig::from(
                    Config::parse("[general]\nbind = 127.0.0.1:5060\n" + general, "sip.conf"));
                return "";
            } catch (const ConfigError &e) {
                return e.what();
            }
        };
        const std::string d = dir_ + "/";
        CPPUNIT_ASSERT_EQUAL(std::string(""),
                             error_of("tls_port = 5061\ntls_certificate = " + d +
                                      "a.crt\ntls_private_key = " + d + "a.key\n"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), error_of(""));  // no TLS, nothing asked
        const struct {
            std::string general, want;
        } rows[] = {
            {"tls_port = 5061\n", "sip.conf:3: tls_port needs tls_certificate"},
            {"tls_port = 5061\ntls_certificate = " + d + "a.crt\n",
             "sip.conf:3: tls_port needs tls_private_key"},
            {"tls_port = 5061\ntls_certificate = " + d + "a.crt\ntls_private_key = " + d +
                 "b.key\n",
             "sip.conf:5: tls_private_key " + d + "b.key: does not match"},
            {"tls_port = 5061\ntls_certificate = " + d + "gone.crt\ntls_private_key = " + d +
                 "a.key\n",
             "sip.conf:4: tls_certificate " + d + "gone.crt: cannot read it"},
            {"tls_port = 5060\ntls_certificate = " + d + "a.crt\ntls_private_key = " + d +
                 "a.key\n",
             "sip.conf:3: tls_port is the port of SIP over TLS"},
        };
        for (const auto &r : rows) {
            const std::string got = error_of(r.general);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.general, r.want, got.substr(0, r.want.size()));
        }
    }

    void contextsRefuseOldTls() {
        {
            TlsFloor floor;
            SSL_CTX *ctx = SSL_CTX_new(TLS_method());
            CPPUNIT_ASSERT(ctx);
            // As a system configuration's MinProtocol = TLSv1 would (applied after the hook).
            SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
            CPPUNIT_ASSERT_EQUAL(1, floor.apply());
            CPPUNIT_ASSERT_EQUAL(static_cast<long>(TLS1_2_VERSION),
                                 static_cast<long>(SSL_CTX_get_min_proto_version(ctx)));
            SSL_CTX_free(ctx);  // the floor holds its own reference until it goes
        }
        // Gone with the floor: other contexts of the process are left alone.
        TlsFloor later;
        CPPUNIT_ASSERT_EQUAL(0, later.apply());
        SSL_CTX *other = SSL_CTX_new(TLS_method());
        CPPUNIT_ASSERT(SSL_CTX_get_min_proto_version(other) != TLS1_2_VERSION);
        SSL_CTX_free(other);
    }

    void uriTransport() {
        const struct {
            const char *uri, *want;
        } rows[] = {
            {"sip:kim@127.0.0.1:5060", "udp"},
            {"sips:kim@127.0.0.1", "tls"},
            {"SIPS:kim@127.0.0.1", "tls"},
            {"<sip:kim@127.0.0.1:5061;transport=TLS>", "tls"},
            {"sip:127.0.0.1:5060;transport=tcp", "tcp"},
            {"sip:127.0.0.1:5060;lr", "udp"},
            {"<sip:a@b>;x=transport=tls", "udp"},  // a header parameter, not the URI's
        };
        for (const auto &r : rows)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.uri, std::string(r.want), uri_transport(r.uri));
    }

    void streamPhonesOverTheirConnection() {
        const struct {
            const char *contact, *received, *transport, *want;
        } rows[] = {
            {"sip:kim@127.0.0.1:5070", "127.0.0.1:5070", "udp", ""},
            {"sip:kim@192.168.1.20:5060", "203.0.113.7:41000", "udp",
             "sip:203.0.113.7:41000;transport=udp"},
            // Over TLS or TCP always the connection, even from the contact's own address.
            {"sip:kim@127.0.0.1:5071;transport=tls", "127.0.0.1:40112", "tls",
             "sip:127.0.0.1:40112;transport=tls"},
            {"sips:kim@127.0.0.1:5071", "127.0.0.1:40112", "tls",
             "sip:127.0.0.1:40112;transport=tls"},
            {"sip:kim@127.0.0.1:5070;transport=tcp", "127.0.0.1:40113", "tcp",
             "sip:127.0.0.1:40113;transport=tcp"},
        };
        for (const auto &r : rows) {
            Binding b;
            b.contact = r.contact;
            b.received = r.received;
            b.transport = r.transport;
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.contact, std::string(r.want), next_hop(b));
        }
        // A 302's contact still names the phone's own contact when it is not behind NAT.
        Binding t;
        t.contact = "sip:kim@127.0.0.1:5071;transport=tls";
        t.received = "127.0.0.1:40112";
        t.transport = "tls";
        CPPUNIT_ASSERT_EQUAL(t.contact, reachable_contact(t));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanSipTlsTest);
