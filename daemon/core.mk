# daemon/: the vced core (in libvce) and the vced and vcectl programs.
libvce_la_SOURCES += \
	daemon/include/vce/Cli.h daemon/include/vce/Config.h daemon/include/vce/Database.h \
	daemon/include/vce/Host.h daemon/include/vce/Log.h daemon/include/vce/Module.h \
	daemon/include/vce/Threads.h daemon/include/vce/RouteService.h daemon/include/vce/HealthService.h daemon/include/vce/Channels.h \
	daemon/include/vce/LocationService.h daemon/include/vce/ShortMessages.h \
	daemon/include/vce/Lifetime.h daemon/include/vce/WorkQueue.h daemon/core/WorkQueue.cpp \
	daemon/include/vce/WorkerThread.h daemon/core/WorkerThread.cpp \
	daemon/include/vce/CallDriver.h daemon/core/CallDriver.cpp daemon/include/vce/DialOutcome.h daemon/core/DialOutcome.cpp \
	daemon/core/Config.cpp daemon/core/Log.cpp daemon/core/Threads.cpp \
	daemon/core/ModuleOrder.h daemon/core/ModuleOrder.cpp \
	daemon/core/ModuleLoader.h daemon/core/ModuleLoader.cpp \
	daemon/core/CoreHost.h daemon/core/CoreHost.cpp \
	daemon/core/ControlServer.h daemon/core/ControlServer.cpp \
	daemon/include/vce/DialplanService.h daemon/core/DialplanService.cpp \
	daemon/core/Daemon.h daemon/core/Daemon.cpp daemon/core/LoopStall.h daemon/core/LoopStall.cpp \
	daemon/core/SystemdNotify.h daemon/core/SystemdNotify.cpp \
	daemon/include/vce/ReusePort.h daemon/net/ReusePort.cpp

sbin_PROGRAMS += daemon/vced
daemon_vced_SOURCES = daemon/main.cpp
# mimalloc first: its malloc then serves the whole process (modules and libraries too;
# configure --without-mimalloc for glibc's).
daemon_vced_LDADD = $(MIMALLOC_LIBS) libvce.la $(LIBEVENT_LIBS)

bin_PROGRAMS += daemon/vcectl
daemon_vcectl_SOURCES = daemon/ctl/vcectl.cpp
daemon_vcectl_LDADD = libvce.la

tests_unit_unit_tests_SOURCES += tests/unit/ConfigTest.cpp tests/unit/ModuleLoaderTest.cpp tests/unit/WorkQueueTest.cpp tests/unit/CallDriverTest.cpp tests/unit/LoopStallTest.cpp
