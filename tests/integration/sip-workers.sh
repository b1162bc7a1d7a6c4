#!/bin/bash
# Integration: the whole SIP suite (sip.sh) again with two SIP threads sharing the port
# (sip.conf workers = 2): the same call flows must hold when REGISTER, INVITE, CANCEL, BYE
# and MESSAGE are spread over threads by Call-ID and each thread has its own private port.
export CHECK_PREFIX="workers=2: " SIP_WORKERS=2 VCE_SIP_PGPORT=55448
export VCED_SIP_EXTRA=$'workers = 2\nworker_port_base = 55163'
exec "$VCE_SRCDIR/tests/integration/sip.sh"
