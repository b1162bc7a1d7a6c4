// chan_sip's TLS certificate and key (sip.conf tls_certificate, tls_private_key, tls_ca_file):
// checked before sofia-sip sees them (sofia only logs a bad file and serves without a
// certificate), handed to sofia in the form it reads, and held to TLS 1.2 or later. Runs on
// the core thread (checks) and the first SIP thread (the listener).
#pragma once

#include <string>

namespace vce::sip {

// What is wrong with these files ("" when nothing): a missing or unreadable file, a file
// that holds no PEM certificate or key, a key that does not match the certificate. Names the
// file.
std::string tls_files_problem(const std::string &certificate, const std::string &private_key,
                              const std::string &ca_file);

// sofia-sip reads its certificate from a directory (agent.pem: key and certificate; cafile.pem:
// the CAs). A private directory (0700, under $TMPDIR or /tmp) holding them for as long as
// the listener is being created; removed with this object (sofia has read the files by then).
class SofiaCertificateDir {
public:
    // `error` says why when path() is empty.
    SofiaCertificateDir(const std::string &certificate, const std::string &private_key,
                        const std::string &ca_file, std::string &error);
    ~SofiaCertificateDir();
    SofiaCertificateDir(const SofiaCertificateDir &) = delete;
    SofiaCertificateDir &operator=(const SofiaCertificateDir &) = delete;
    const std::string &path() const { return path_; }

private:
    std::string path_;
};

// TLS 1.2 as the floor of the OpenSSL contexts sofia-sip makes. Debian's sofia-sip creates its
// context with TLS_method() and no floor (TPTAG_TLS_VERSION has no effect there) and does not
// hand it out, so the contexts created on this thread while a TlsFloor exists are caught as
// they are made (an OpenSSL ex_data hook, removed again with this object) and apply() sets the
// floor on them once sofia is done: not in the hook, because SSL_CTX_new applies the system
// configuration (its MinProtocol) after it.
class TlsFloor {
public:
    TlsFloor();
    ~TlsFloor();  // the hook goes, and the references it held
    TlsFloor(const TlsFloor &) = delete;
    TlsFloor &operator=(const TlsFloor &) = delete;
    int apply();  // how many contexts now refuse TLS below 1.2

private:
    int index_ = -1;
};

}  // namespace vce::sip
