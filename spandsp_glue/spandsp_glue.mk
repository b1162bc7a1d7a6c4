# spandsp_glue: the DSP chain and TDM backends (namespace vce::dsp), the media library
# (daemon/media, namespace vce::media), their tests, the PSTN simulator and the benchmarks.

libvce_la_SOURCES += \
	spandsp_glue/SpanDspHandles.h \
	spandsp_glue/G711.h spandsp_glue/G711.cpp \
	spandsp_glue/EchoCanceller.h spandsp_glue/EchoCanceller.cpp \
	spandsp_glue/G168EchoPath.h spandsp_glue/G168EchoPath.cpp \
	spandsp_glue/DspEvent.h \
	spandsp_glue/TonePlan.h spandsp_glue/TonePlan.cpp \
	spandsp_glue/ToneGenerator.h spandsp_glue/ToneGenerator.cpp \
	spandsp_glue/CallProgressDetector.h spandsp_glue/CallProgressDetector.cpp \
	spandsp_glue/CallerId.h spandsp_glue/CallerId.cpp \
	spandsp_glue/FaxDetector.h spandsp_glue/FaxDetector.cpp \
	spandsp_glue/Dtmf.h spandsp_glue/Dtmf.cpp \
	spandsp_glue/DspChain.h spandsp_glue/DspChain.cpp \
	spandsp_glue/TdmChannel.h \
	spandsp_glue/SpanWire.h spandsp_glue/SpanWire.cpp \
	spandsp_glue/VirtualSpan.h spandsp_glue/VirtualSpan.cpp \
	daemon/media/RtpPacket.h daemon/media/RtpPacket.cpp \
	daemon/media/TelephoneEvent.h daemon/media/TelephoneEvent.cpp \
	daemon/media/RtpSession.h daemon/media/RtpSession.cpp \
	daemon/media/SrtpContext.h daemon/media/SrtpContext.cpp \
	daemon/media/SdpCrypto.h daemon/media/SdpCrypto.cpp \
	daemon/media/SdpAudio.h daemon/media/SdpAudio.cpp \
	daemon/media/MediaEndpoint.h daemon/media/MediaEndpoint.cpp
libvce_la_CPPFLAGS += $(SRTP_CFLAGS)
libvce_la_LIBADD += $(SRTP_LIBS)

# The DAHDI backend (and its tests) only where configure found dahdi/user.h.
if HAVE_DAHDI
libvce_la_SOURCES += spandsp_glue/DahdiSpan.h spandsp_glue/DahdiSpan.cpp
tests_unit_unit_tests_SOURCES += tests/unit/DspDahdiTest.cpp
else
EXTRA_DIST += spandsp_glue/DahdiSpan.h spandsp_glue/DahdiSpan.cpp tests/unit/DspDahdiTest.cpp
endif

# The PSTN simulator: the far side of a virtual span (see tests/pstnsim/README).
noinst_PROGRAMS += tests/pstnsim/vce-pstnsim
tests_pstnsim_vce_pstnsim_SOURCES = tests/pstnsim/main.cpp \
	tests/pstnsim/PstnSim.h tests/pstnsim/PstnSim.cpp
tests_pstnsim_vce_pstnsim_CPPFLAGS = $(AM_CPPFLAGS) $(SPANDSP_CFLAGS)
tests_pstnsim_vce_pstnsim_LDADD = libvce.la $(SPANDSP_LIBS)
EXTRA_DIST += tests/pstnsim/README

tests_unit_unit_tests_SOURCES += \
	tests/unit/DspG711Test.cpp \
	tests/unit/DspEchoTest.cpp \
	tests/unit/DspSignalsTest.cpp \
	tests/unit/DspCallProgressTest.cpp \
	tests/unit/DspSpanTest.cpp \
	tests/unit/DspPstnSimTest.cpp \
	tests/pstnsim/PstnSim.h tests/pstnsim/PstnSim.cpp \
	tests/unit/MediaRtpTest.cpp \
	tests/unit/MediaSrtpTest.cpp \
	tests/unit/MediaSdpTest.cpp
tests_unit_unit_tests_CPPFLAGS += $(SRTP_CFLAGS) -DVCE_TEST_BUILDDIR='"$(abs_top_builddir)"'
tests_unit_unit_tests_LDADD += $(SRTP_LIBS)

# Benchmarks (print figures; not tests).
noinst_PROGRAMS += tests/bench/dsp-bench tests/bench/srtp-bench
tests_bench_dsp_bench_SOURCES = tests/bench/dsp_bench.cpp
tests_bench_dsp_bench_CPPFLAGS = $(AM_CPPFLAGS) $(SPANDSP_CFLAGS)
tests_bench_dsp_bench_LDADD = libvce.la $(SPANDSP_LIBS)
tests_bench_srtp_bench_SOURCES = tests/bench/srtp_bench.cpp
tests_bench_srtp_bench_CPPFLAGS = $(AM_CPPFLAGS) $(SRTP_CFLAGS)
tests_bench_srtp_bench_LDADD = libvce.la $(SRTP_LIBS)
