# modules/res_pgsql: PostgreSQL database service, durable write queue, migrations.
mod_LTLIBRARIES += modules/res_pgsql/res_pgsql.la
modules_res_pgsql_res_pgsql_la_SOURCES = \
	modules/res_pgsql/res_pgsql.cpp \
	modules/res_pgsql/DurableQueue.h modules/res_pgsql/DurableQueue.cpp \
	modules/res_pgsql/PgConnection.h modules/res_pgsql/PgConnection.cpp \
	modules/res_pgsql/PgDatabase.h modules/res_pgsql/PgDatabase.cpp \
	modules/res_pgsql/Migrator.h modules/res_pgsql/Migrator.cpp
modules_res_pgsql_res_pgsql_la_CPPFLAGS = $(AM_CPPFLAGS) $(LIBPQ_CFLAGS) $(LIBEVENT_CFLAGS)
modules_res_pgsql_res_pgsql_la_LDFLAGS = $(VCE_MODFLAGS)
modules_res_pgsql_res_pgsql_la_LIBADD = libvce.la $(LIBPQ_LIBS) $(LIBEVENT_LIBS)
EXTRA_DIST += modules/res_pgsql/res_pgsql.conf.sample modules/res_pgsql/README.md

tests_unit_unit_tests_SOURCES += tests/unit/DurableQueueTest.cpp \
	modules/res_pgsql/DurableQueue.cpp
