# tests/: test modules for the loader tests, the test runner script.
TEST_MODFLAGS = -module -avoid-version -shared -rpath /nowhere
TEST_MOD_SRC = tests/unit/modules/test_module.cpp
check_LTLIBRARIES += tests/unit/modules/tm_a.la tests/unit/modules/tm_b.la tests/unit/modules/tm_c.la \
	tests/unit/modules/tm_decline.la tests/unit/modules/tm_after_decline.la tests/unit/modules/tm_badabi.la \
	tests/unit/modules/tm_opt.la tests/unit/modules/tm_opt_c.la
tests_unit_modules_tm_a_la_SOURCES = $(TEST_MOD_SRC)
tests_unit_modules_tm_a_la_CPPFLAGS = $(AM_CPPFLAGS) -DTM_NAME='"tm_a"' -DTM_PRIO=5 -DTM_PROVIDES='"svc_a"'
tests_unit_modules_tm_a_la_LDFLAGS = $(TEST_MODFLAGS)
tests_unit_modules_tm_b_la_SOURCES = $(TEST_MOD_SRC)
tests_unit_modules_tm_b_la_CPPFLAGS = $(AM_CPPFLAGS) -DTM_NAME='"tm_b"' -DTM_PRIO=1 -DTM_REQUIRES='"tm_a"'
tests_unit_modules_tm_b_la_LDFLAGS = $(TEST_MODFLAGS)
tests_unit_modules_tm_c_la_SOURCES = $(TEST_MOD_SRC)
tests_unit_modules_tm_c_la_CPPFLAGS = $(AM_CPPFLAGS) -DTM_NAME='"tm_c"' -DTM_PRIO=0
tests_unit_modules_tm_c_la_LDFLAGS = $(TEST_MODFLAGS)
tests_unit_modules_tm_decline_la_SOURCES = $(TEST_MOD_SRC)
tests_unit_modules_tm_decline_la_CPPFLAGS = $(AM_CPPFLAGS) -DTM_NAME='"tm_decline"' -DTM_DECLINE
tests_unit_modules_tm_decline_la_LDFLAGS = $(TEST_MODFLAGS)
tests_unit_modules_tm_after_decline_la_SOURCES = $(TEST_MOD_SRC)
tests_unit_modules_tm_after_decline_la_CPPFLAGS = $(AM_CPPFLAGS) -DTM_NAME='"tm_after_decline"' -DTM_REQUIRES='"tm_decline"'
tests_unit_modules_tm_after_decline_la_LDFLAGS = $(TEST_MODFLAGS)
tests_unit_modules_tm_badabi_la_SOURCES = $(TEST_MOD_SRC)
tests_unit_modules_tm_badabi_la_CPPFLAGS = $(AM_CPPFLAGS) -DTM_NAME='"tm_badabi"' -DTM_ABI=999
tests_unit_modules_tm_badabi_la_LDFLAGS = $(TEST_MODFLAGS)
tests_unit_modules_tm_opt_la_SOURCES = $(TEST_MOD_SRC)
tests_unit_modules_tm_opt_la_CPPFLAGS = $(AM_CPPFLAGS) -DTM_NAME='"tm_opt"' -DTM_OPTIONAL='"tm_a"'
tests_unit_modules_tm_opt_la_LDFLAGS = $(TEST_MODFLAGS)
tests_unit_modules_tm_opt_c_la_SOURCES = $(TEST_MOD_SRC)
tests_unit_modules_tm_opt_c_la_CPPFLAGS = $(AM_CPPFLAGS) -DTM_NAME='"tm_opt_c"' -DTM_OPTIONAL='"tm_c"'
tests_unit_modules_tm_opt_c_la_LDFLAGS = $(TEST_MODFLAGS)

EXTRA_DIST += tests/run-all tests/format/run

# The fuzz run's build and corpora, and tests/run-all's logs, live in the build tree.
clean-local:
	-rm -rf fuzz-build test-logs
