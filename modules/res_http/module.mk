# modules/res_http: the web portal (evhttp on the core loop), /healthz, /metrics.
mod_LTLIBRARIES += modules/res_http/res_http.la
modules_res_http_res_http_la_SOURCES = \
	modules/res_http/res_http.cpp \
	modules/res_http/HttpConfig.h modules/res_http/HttpConfig.cpp \
	modules/res_http/HttpExchange.h \
	modules/res_http/HttpServer.h modules/res_http/HttpServer.cpp \
	modules/res_http/RouteTable.h \
	modules/res_http/HtmlText.h modules/res_http/HtmlText.cpp \
	modules/res_http/PageTemplate.h modules/res_http/PageTemplate.cpp \
	modules/res_http/MetricsText.h modules/res_http/MetricsText.cpp \
	modules/res_http/StaticFiles.h modules/res_http/StaticFiles.cpp \
	modules/res_http/ShopQuery.h modules/res_http/ShopQuery.cpp \
	modules/res_http/SiteFiles.h modules/res_http/SiteFiles.cpp \
	modules/res_http/Site.h modules/res_http/Site.cpp \
	modules/res_http/ServiceRoutes.cpp \
	modules/res_http/PublicRoutes.cpp \
	modules/res_http/CsrfToken.h modules/res_http/CsrfToken.cpp \
	modules/res_http/OrderRoutes.cpp
modules_res_http_res_http_la_CPPFLAGS = $(AM_CPPFLAGS) $(LIBEVENT_CFLAGS)
modules_res_http_res_http_la_LDFLAGS = $(VCE_MODFLAGS)
modules_res_http_res_http_la_LIBADD = libvce.la $(LIBEVENT_LIBS)
EXTRA_DIST += modules/res_http/res_http.conf.sample modules/res_http/README.md

# The portal's templates and static files, installed beside the SQL (files = in res_http.conf).
httptemplatesdir = $(pkgdatadir)/http/templates
dist_httptemplates_DATA = modules/res_http/templates/layout.html \
	modules/res_http/templates/home.html modules/res_http/templates/shop.html \
	modules/res_http/templates/order.html modules/res_http/templates/order_company.html \
	modules/res_http/templates/order_status.html modules/res_http/templates/order_select.html \
	modules/res_http/templates/order_register.html modules/res_http/templates/order_result.html
httpstaticdir = $(pkgdatadir)/http/static
dist_httpstatic_DATA = modules/res_http/static/portal.css

tests_unit_unit_tests_SOURCES += tests/unit/ResHttpTest.cpp \
	modules/res_http/HtmlText.cpp modules/res_http/PageTemplate.cpp \
	modules/res_http/MetricsText.cpp modules/res_http/StaticFiles.cpp \
	modules/res_http/ShopQuery.cpp modules/res_http/HttpConfig.cpp modules/res_http/CsrfToken.cpp
