# daemon/: the vced core and the vcectl client.
sbin_PROGRAMS += daemon/vced
daemon_vced_SOURCES = daemon/main.cpp
daemon_vced_CPPFLAGS = $(AM_CPPFLAGS) $(LIBEVENT_CFLAGS)
daemon_vced_LDADD = libvce.la $(LIBEVENT_LIBS)
daemon_vced_LDFLAGS = -export-dynamic
