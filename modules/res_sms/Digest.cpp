// The framed REGISTER's digest, on chan_sip's MD5.
#include "modules/res_sms/Digest.h"

#include "modules/chan_sip/Hash.h"

namespace vce::sms {

std::string digest_ha1(const std::string &number, const std::string &realm,
                       const std::string &password) {
    return sip::md5_hex(number + ":" + realm + ":" + password);
}

std::string digest_response(const std::string &ha1, const std::string &nonce,
                            const std::string &number) {
    return sip::md5_hex(ha1 + ":" + nonce + ":" + sip::md5_hex("REGISTER:vsms:" + number));
}

}  // namespace vce::sms
