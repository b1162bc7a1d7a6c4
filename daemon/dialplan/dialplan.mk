# daemon/dialplan: dialplan parser, pattern matcher, executor, registry (no I/O); the fuzz run.
libvce_la_SOURCES += \
	daemon/dialplan/Pattern.h daemon/dialplan/Pattern.cpp \
	daemon/dialplan/Dialplan.h daemon/dialplan/Dialplan.cpp \
	daemon/dialplan/Expression.h daemon/dialplan/Expression.cpp \
	daemon/dialplan/Registry.h daemon/dialplan/Registry.cpp \
	daemon/dialplan/Execution.h daemon/dialplan/Execution.cpp \
	daemon/dialplan/Overlap.h daemon/dialplan/Overlap.cpp
tests_unit_unit_tests_SOURCES += tests/unit/DialplanTest.cpp tests/unit/ExtensionsConfTest.cpp
EXTRA_DIST += tests/fuzz/run tests/fuzz/numplan_fuzz.cpp tests/fuzz/dialplan_fuzz.cpp \
	tests/fuzz/sdp_relay_fuzz.cpp tests/fuzz/sms_frame_fuzz.cpp

# The short libFuzzer run (tests/fuzz/run) belongs to the test suite when clang is here.
if HAVE_CLANG
TESTS += tests/fuzz/run
endif
