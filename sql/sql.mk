# sql: schema migrations (applied in order by vced's migration runner), demo data.
sqldir = $(pkgdatadir)/sql
dist_sql_DATA = \
	sql/001_base.sql \
	sql/002_countries.sql \
	sql/003_carriers.sql \
	sql/004_members.sql \
	sql/005_numbers.sql \
	sql/006_runtime.sql \
	sql/007_notify.sql \
	sql/008_admin_members.sql \
	sql/009_admin_numbers.sql \
	sql/010_admin_carriers.sql \
	sql/011_views.sql \
	sql/012_peers.sql \
	sql/013_cdr_record.sql \
	sql/014_settlement.sql \
	sql/015_balances.sql \
	sql/016_failover.sql \
	sql/017_callerid.sql \
	sql/019_message_reports.sql \
	sql/020_portal.sql

sqldemodir = $(pkgdatadir)/sql/demo
dist_sqldemo_DATA = sql/demo/demo.sql

# The SQL suite (tests/sql/run, shipped via EXTRA_DIST in Makefile.am) starts its own
# private PostgreSQL; tests/run-all runs it.
