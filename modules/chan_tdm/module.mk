# modules/chan_tdm: the TDM channel driver (FXS phones, FXO trunks on virtual or DAHDI spans).
mod_LTLIBRARIES += modules/chan_tdm/chan_tdm.la
modules_chan_tdm_chan_tdm_la_SOURCES = \
	modules/chan_tdm/chan_tdm.cpp \
	modules/chan_tdm/TdmConfig.h modules/chan_tdm/TdmConfig.cpp \
	modules/chan_tdm/TdmLine.h modules/chan_tdm/LineState.h modules/chan_tdm/LineState.cpp \
	modules/chan_tdm/FxsSignalling.h modules/chan_tdm/FxsSignalling.cpp \
	modules/chan_tdm/FxoSignalling.h modules/chan_tdm/FxoSignalling.cpp \
	modules/chan_tdm/RtpBridge.h modules/chan_tdm/RtpBridge.cpp \
	modules/chan_tdm/TdmEngine.h modules/chan_tdm/TdmSpan.h \
	modules/chan_tdm/TdmLoop.cpp modules/chan_tdm/LineAudio.cpp modules/chan_tdm/TdmSignalling.cpp \
	modules/chan_tdm/TdmDialplan.cpp modules/chan_tdm/LegPlacement.cpp modules/chan_tdm/TdmCli.cpp
modules_chan_tdm_chan_tdm_la_CPPFLAGS = $(AM_CPPFLAGS) $(SPANDSP_CFLAGS)
modules_chan_tdm_chan_tdm_la_LDFLAGS = $(VCE_MODFLAGS)
modules_chan_tdm_chan_tdm_la_LIBADD = libvce.la $(SPANDSP_LIBS) $(SRTP_LIBS)
EXTRA_DIST += modules/chan_tdm/tdm.conf.sample modules/chan_tdm/README.md tests/integration/tdm.sh

tests_unit_unit_tests_SOURCES += tests/unit/ChanTdmConfigTest.cpp tests/unit/ChanTdmDialplanTest.cpp \
	tests/unit/ChanTdmMediaTest.cpp tests/unit/ChanTdmOfferTest.cpp tests/unit/ChanTdmFxsTest.cpp \
	tests/unit/ChanTdmFxoTest.cpp tests/unit/AudioFixtures.h \
	modules/chan_tdm/TdmConfig.cpp modules/chan_tdm/RtpBridge.cpp \
	modules/chan_tdm/FxsSignalling.cpp modules/chan_tdm/FxoSignalling.cpp modules/chan_tdm/LineState.cpp
