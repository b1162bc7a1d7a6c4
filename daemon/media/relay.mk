# daemon/media relay: vced's own media relay (in libvce) behind vce/MediaRelayService.h, its tests.
libvce_la_SOURCES += \
	daemon/include/vce/MediaRelayService.h \
	daemon/media/SdpRelayRewrite.h daemon/media/SdpRelayRewrite.cpp \
	daemon/media/RtpLatch.h daemon/media/RtpLatch.cpp \
	daemon/media/PortRange.h daemon/media/PortRange.cpp \
	daemon/media/MediaRelay.h daemon/media/MediaRelay.cpp

tests_unit_unit_tests_SOURCES += tests/unit/MediaRelayTest.cpp
