# daemon/numplan: number parsing and canonical forms (no I/O).
libvce_la_SOURCES += \
	daemon/numplan/Country.h \
	daemon/numplan/CountryTable.h daemon/numplan/CountryTable.cpp \
	daemon/numplan/Number.h \
	daemon/numplan/NumberPlan.h daemon/numplan/NumberPlan.cpp
tests_unit_unit_tests_SOURCES += tests/unit/NumberPlanTest.cpp
