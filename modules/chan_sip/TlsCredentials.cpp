// chan_sip: the TLS files checked, handed to sofia-sip, and TLS 1.2 as the floor (see
// TlsCredentials.h).
#include "TlsCredentials.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

namespace vce::sip {

namespace {

struct FileCloser {
    void operator()(FILE *f) const { fclose(f); }
};
struct X509Free {
    void operator()(X509 *x) const { X509_free(x); }
};
struct KeyFree {
    void operator()(EVP_PKEY *k) const { EVP_PKEY_free(k); }
};
using File = std::unique_ptr<FILE, FileCloser>;

// An encrypted key is refused rather than prompted for on the terminal.
int no_passphrase(char *, int, int, void *) {
    return 0;
}

File open_readable(const std::string &path, const char *what, std::string &error) {
    File f(fopen(path.c_str(), "r"));
    if (!f) error = std::string(what) + " " + path + ": cannot read it: " + std::strerror(errno);
    return f;
}

std::unique_ptr<X509, X509Free> first_certificate(const std::string &path, const char *what,
                                                  std::string &error) {
    File f = open_readable(path, what, error);
    if (!f) return nullptr;
    std::unique_ptr<X509, X509Free> x(PEM_read_X509(f.get(), nullptr, no_passphrase, nullptr));
    if (!x) error = std::string(what) + " " + path + ": holds no PEM certificate";
    return x;
}

std::string slurp(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream o;
    o << in.rdbuf();
    return o.str();
}

bool write_private(const std::string &path, const std::string &text) {
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) return false;
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = write(fd, text.data() + done, text.size() - done);
        if (n <= 0) break;
        done += static_cast<size_t>(n);
    }
    return close(fd) == 0 && done == text.size();
}

// The contexts made on this thread while a TlsFloor exists, each with a reference of ours.
thread_local bool floor_catching = false;
thread_local std::vector<SSL_CTX *> floor_caught;

void catch_new_context(void *parent, void *, CRYPTO_EX_DATA *, int, long, void *) {
    if (!floor_catching || !parent) return;
    auto *ctx = static_cast<SSL_CTX *>(parent);
    if (SSL_CTX_up_ref(ctx) == 1) floor_caught.push_back(ctx);
}

}  // namespace

std::string tls_files_problem(const std::string &certificate, const std::string &private_key,
                              const std::string &ca_file) {
    std::string error;
    auto cert = first_certificate(certificate, "tls_certificate", error);
    if (!cert) return error;
    File kf = open_readable(private_key, "tls_private_key", error);
    if (!kf) return error;
    std::unique_ptr<EVP_PKEY, KeyFree> key(
        PEM_read_PrivateKey(kf.get(), nullptr, no_passphrase, nullptr));
    if (!key)
        return "tls_private_key " + private_key +
               ": holds no PEM private key (or an encrypted one: vced takes no passphrase)";
    if (X509_check_private_key(cert.get(), key.get()) != 1)
        return "tls_private_key " + private_key + ": does not match the certificate in " +
               certificate;
    if (!ca_file.empty() && !first_certificate(ca_file, "tls_ca_file", error)) return error;
    return "";
}

SofiaCertificateDir::SofiaCertificateDir(const std::string &certificate,
                                         const std::string &private_key, const std::string &ca_file,
                                         std::string &error) {
    const char *tmp = getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/vced-tls.XXXXXX";
    if (!mkdtemp(pattern.data())) {
        error = "cannot make a private directory for sofia-sip's TLS files (" + pattern +
                "): " + std::strerror(errno);
        return;
    }
    path_ = pattern;
    // The key first: sofia reads the key and the (first) certificate from the same file.
    if (!write_private(path_ + "/agent.pem", slurp(private_key) + "\n" + slurp(certificate)) ||
        (!ca_file.empty() && !write_private(path_ + "/cafile.pem", slurp(ca_file)))) {
        error = "cannot write sofia-sip's TLS files in " + path_ + ": " + std::strerror(errno);
    }
}

SofiaCertificateDir::~SofiaCertificateDir() {
    if (path_.empty()) return;
    unlink((path_ + "/agent.pem").c_str());
    unlink((path_ + "/cafile.pem").c_str());
    rmdir(path_.c_str());
}

TlsFloor::TlsFloor() {
    floor_catching = true;
    index_ = CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL_CTX, 0, nullptr, catch_new_context,
                                     nullptr, nullptr);
}

TlsFloor::~TlsFloor() {
    // Contexts made later (by anyone) are left alone, and this module can be unloaded.
    if (index_ >= 0) CRYPTO_free_ex_index(CRYPTO_EX_INDEX_SSL_CTX, index_);
    floor_catching = false;
    for (SSL_CTX *ctx : floor_caught) SSL_CTX_free(ctx);  // ours; sofia keeps its own
    floor_caught.clear();
}

int TlsFloor::apply() {
    int n = 0;
    for (SSL_CTX *ctx : floor_caught)
        if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) == 1) ++n;
    return n;
}

}  // namespace vce::sip
