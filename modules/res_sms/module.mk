# modules/res_sms: the short-message server of seed 004 (framed port, framed terminals) and
# its command-line terminal vce-sms.
RES_SMS_PURE = modules/res_sms/Frame.h modules/res_sms/Frame.cpp \
	modules/res_sms/Digest.h modules/res_sms/Digest.cpp \
	modules/res_sms/SenderRate.h modules/res_sms/SenderRate.cpp modules/res_sms/Backoff.h
mod_LTLIBRARIES += modules/res_sms/res_sms.la
modules_res_sms_res_sms_la_SOURCES = $(RES_SMS_PURE) modules/chan_sip/Hash.h modules/chan_sip/Hash.cpp \
	modules/res_sms/SmsConfig.h modules/res_sms/SmsConfig.cpp \
	modules/res_sms/EventHandles.h \
	modules/res_sms/SmsServer.h modules/res_sms/SmsServer.cpp modules/res_sms/SmsServerParts.h \
	modules/res_sms/SmsDelivery.cpp modules/res_sms/SmsRetry.cpp modules/res_sms/Hex.h \
	modules/res_sms/res_sms.cpp
modules_res_sms_res_sms_la_CPPFLAGS = $(AM_CPPFLAGS) $(LIBEVENT_CFLAGS) $(SOFIA_CFLAGS)
modules_res_sms_res_sms_la_LDFLAGS = $(VCE_MODFLAGS)
modules_res_sms_res_sms_la_LIBADD = libvce.la $(LIBEVENT_LIBS) $(SOFIA_LIBS)
EXTRA_DIST += modules/res_sms/res_sms.conf.sample modules/res_sms/README.md

# The framed terminal on the command line, installed beside vcectl.
bin_PROGRAMS += modules/res_sms/vce-sms
modules_res_sms_vce_sms_SOURCES = modules/res_sms/tool/vce-sms.cpp $(RES_SMS_PURE) \
	modules/chan_sip/Hash.h modules/chan_sip/Hash.cpp
modules_res_sms_vce_sms_CPPFLAGS = $(AM_CPPFLAGS) $(SOFIA_CFLAGS)
modules_res_sms_vce_sms_LDADD = $(SOFIA_LIBS)

tests_unit_unit_tests_SOURCES += tests/unit/SmsFrameTest.cpp tests/unit/SmsPolicyTest.cpp $(RES_SMS_PURE)
