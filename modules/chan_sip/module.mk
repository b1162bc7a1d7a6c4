# modules/chan_sip: SIP registrar, call proxy and message relay on sofia-sip.
CHAN_SIP_PURE = modules/chan_sip/Hash.h modules/chan_sip/Hash.cpp \
	modules/chan_sip/DigestAuth.h modules/chan_sip/DigestAuth.cpp \
	modules/chan_sip/DigestClient.h modules/chan_sip/DigestClient.cpp \
	modules/chan_sip/Location.h modules/chan_sip/Location.cpp \
	modules/chan_sip/FloodGuard.h modules/chan_sip/FloodGuard.cpp \
	modules/chan_sip/PeerCallLimits.h modules/chan_sip/PeerCallLimits.cpp \
	modules/chan_sip/AuthFailureGuard.h modules/chan_sip/AuthFailureGuard.cpp \
	modules/chan_sip/DialStatus.h \
	modules/chan_sip/SofiaHandles.h modules/chan_sip/ForkSet.h \
	modules/chan_sip/InDialogRule.h modules/chan_sip/InDialogRule.cpp \
	modules/chan_sip/CallRecord.h \
	modules/chan_sip/CallCredit.h modules/chan_sip/CallCredit.cpp \
	modules/chan_sip/QualifyCounts.h modules/chan_sip/QualifyCounts.cpp \
	modules/chan_sip/CallIdSteering.h modules/chan_sip/CallIdSteering.cpp \
	modules/chan_sip/UpstreamRegistration.h modules/chan_sip/UpstreamRegistration.cpp \
	modules/chan_sip/CentreHealth.h modules/chan_sip/CentreHealth.cpp \
	modules/chan_sip/MediaRelayConfig.h modules/chan_sip/MediaRelayConfig.cpp \
	modules/chan_sip/LogRateLimit.h modules/chan_sip/LogRateLimit.cpp
mod_LTLIBRARIES += modules/chan_sip/chan_sip.la
# The call core: everything but the module entry; the unit tests run it in process.
CHAN_SIP_CORE = \
	modules/chan_sip/SipConfig.h modules/chan_sip/SipConfig.cpp \
	modules/chan_sip/TlsCredentials.h modules/chan_sip/TlsCredentials.cpp \
	modules/chan_sip/ConnectionWatch.h modules/chan_sip/ConnectionWatch.cpp \
	modules/chan_sip/RequestTransport.h modules/chan_sip/RequestTransport.cpp \
	modules/chan_sip/UpstreamConfig.h modules/chan_sip/UpstreamConfig.cpp \
	modules/chan_sip/OptionsProbe.h modules/chan_sip/OptionsProbe.cpp \
	modules/chan_sip/CentreMonitor.h modules/chan_sip/CentreMonitor.cpp \
	modules/chan_sip/UpstreamClient.h modules/chan_sip/UpstreamClient.cpp \
	modules/chan_sip/SipText.h modules/chan_sip/SipText.cpp \
	modules/chan_sip/SdpBody.h modules/chan_sip/SdpBody.cpp \
	modules/chan_sip/SipLoop.h modules/chan_sip/SipLoop.cpp \
	modules/chan_sip/SharedSipState.h modules/chan_sip/LocationOffer.h modules/chan_sip/MessageOffer.h \
	modules/chan_sip/Engine.h modules/chan_sip/Engine.cpp \
	modules/chan_sip/Registrar.cpp modules/chan_sip/Requests.cpp modules/chan_sip/MessageSend.cpp \
	modules/chan_sip/CallSession.h modules/chan_sip/CallSession.cpp \
	modules/chan_sip/Relay.h modules/chan_sip/Relay.cpp \
	modules/chan_sip/AnchoredDialog.cpp \
	modules/chan_sip/Dialog.h modules/chan_sip/Dialog.cpp modules/chan_sip/GatewayCall.h \
	modules/chan_sip/ProxiedDialog.h modules/chan_sip/ProxiedDialog.cpp \
	modules/chan_sip/CreditWatch.h modules/chan_sip/CreditWatch.cpp \
	modules/chan_sip/BindingQualifier.h modules/chan_sip/BindingQualifier.cpp \
	modules/chan_sip/CallerPresentation.h modules/chan_sip/CallerPresentation.cpp \
	modules/chan_sip/OutboundCall.h modules/chan_sip/OutboundCall.cpp \
	modules/chan_sip/SipChannel.h modules/chan_sip/SipChannel.cpp
modules_chan_sip_chan_sip_la_SOURCES = $(CHAN_SIP_PURE) $(CHAN_SIP_CORE) modules/chan_sip/chan_sip.cpp \
	modules/chan_sip/SofiaLog.h modules/chan_sip/SofiaLog.cpp
modules_chan_sip_chan_sip_la_CPPFLAGS = $(AM_CPPFLAGS) $(SOFIA_CFLAGS) $(OPENSSL_CFLAGS)
modules_chan_sip_chan_sip_la_LDFLAGS = $(VCE_MODFLAGS)
modules_chan_sip_chan_sip_la_LIBADD = libvce.la $(SOFIA_LIBS) $(OPENSSL_LIBS)
EXTRA_DIST += modules/chan_sip/sip.conf.sample modules/chan_sip/README.md

tests_unit_unit_tests_SOURCES += tests/unit/ChanSipTest.cpp tests/unit/ChanSipDialStatusTest.cpp \
	tests/unit/ChanSipPeerLimitsTest.cpp \
	tests/unit/CallIdSteeringTest.cpp tests/unit/ChanSipForkSetTest.cpp \
	tests/unit/ChanSipInDialogRuleTest.cpp tests/unit/ChanSipCallRecordTest.cpp \
	tests/unit/ChanSipCallCoreTest.cpp tests/unit/ChanSipUpstreamTest.cpp \
	tests/unit/ChanSipUpstreamConfigTest.cpp tests/unit/ChanSipDigestClientTest.cpp \
	tests/unit/ChanSipAuthGuardTest.cpp tests/unit/ChanSipCreditTest.cpp \
	tests/unit/ChanSipCallerPresentationTest.cpp tests/unit/ParsedSip.h \
	tests/unit/ChanSipCentreHealthTest.cpp tests/unit/ChanSipQualifyTest.cpp \
	tests/unit/ChanSipTlsTest.cpp tests/unit/ChanSipMediaRelayTest.cpp \
	tests/unit/ChanSipLogRateLimitTest.cpp $(CHAN_SIP_PURE) $(CHAN_SIP_CORE)
tests_unit_unit_tests_CPPFLAGS += $(SOFIA_CFLAGS) $(OPENSSL_CFLAGS)
tests_unit_unit_tests_LDADD += $(SOFIA_LIBS) $(OPENSSL_LIBS)
