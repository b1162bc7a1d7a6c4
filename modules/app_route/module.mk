# modules/app_route: routing snapshot from PostgreSQL, the "router" service, Route(), route CLI.
mod_LTLIBRARIES += modules/app_route/app_route.la
modules_app_route_app_route_la_SOURCES = \
	modules/app_route/app_route.cpp \
	modules/app_route/RouteCore.h modules/app_route/RouteCore.cpp \
	modules/app_route/RouteApplication.h modules/app_route/RouteApplication.cpp \
	modules/app_route/RouteData.h modules/app_route/RouteData.cpp \
	modules/app_route/ReloadPacer.h modules/app_route/ReloadPacer.cpp
modules_app_route_app_route_la_CPPFLAGS = $(AM_CPPFLAGS) $(LIBEVENT_CFLAGS)
modules_app_route_app_route_la_LDFLAGS = $(VCE_MODFLAGS)
modules_app_route_app_route_la_LIBADD = libvce.la $(LIBEVENT_LIBS)
EXTRA_DIST += modules/app_route/app_route.conf.sample modules/app_route/README.md

tests_unit_unit_tests_SOURCES += tests/unit/AppRouteTest.cpp \
	modules/app_route/RouteData.cpp modules/app_route/ReloadPacer.cpp modules/app_route/RouteCore.cpp \
	modules/app_route/RouteApplication.cpp
