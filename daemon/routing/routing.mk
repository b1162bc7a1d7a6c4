# daemon/routing: routing decisions over an immutable snapshot (no I/O), and its benchmark.
libvce_la_SOURCES += \
	daemon/routing/StringIndex.h daemon/routing/StringIndex.cpp \
	daemon/routing/Snapshot.h daemon/routing/Snapshot.cpp \
	daemon/routing/Decision.h daemon/routing/Decision.cpp \
	daemon/routing/Alternatives.h daemon/routing/Alternatives.cpp \
	daemon/routing/Failover.h daemon/routing/Failover.cpp \
	daemon/routing/Router.h daemon/routing/Router.cpp \
	daemon/routing/Peer.h daemon/routing/Peer.cpp
tests_unit_unit_tests_SOURCES += tests/unit/RouterTest.cpp tests/unit/PeerTest.cpp \
	tests/unit/FailoverTest.cpp

noinst_PROGRAMS += tests/bench/routing-bench
tests_bench_routing_bench_SOURCES = tests/bench/routing-bench.cpp
tests_bench_routing_bench_LDADD = libvce.la
