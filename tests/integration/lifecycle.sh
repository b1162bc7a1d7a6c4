#!/bin/bash
# Start and stop are clean every time: 30 runs of `vced -m` against an up-to-date database
# and 30 cycles of start -> traffic (REGISTER, OPTIONS, a call attempt, vcectl) -> SIGTERM,
# with every exit status checked (a signal is a crash) and every log read for sanitizer
# reports. Under the ASan build (tests/run-all build/asan) the same run checks the sanitizers.
set -u
. "$VCE_SRCDIR/tests/lib/scenario.sh"
UA=$VCE_SRCDIR/tests/integration/siptool.py
CYCLES=${VCE_LIFECYCLE_CYCLES:-30}

scenario_begin lifecycle
PGP=${VCE_LIFECYCLE_PGPORT:-55452} SIP=55260

# vced -m with no database listening gives up after migrate_timeout instead of waiting forever.
mkdir -p "$T/nosock"  # a socket directory where no PostgreSQL listens
vced_conf "$T/nodb" "$T/nosock" "$((PGP + 1))" res_pgsql chan_sip
vced_sip_conf "$T/nodb" "$SIP"
echo "migrate_timeout = 2" >>"$T/nodb/vced.conf"
t0=$(date +%s)
timeout 30 "$VCED" -c "$T/nodb" -m >"$T/nodb.log" 2>&1
rc=$? t1=$(date +%s)
check_eq "vced -m without a database exits 1" 1 "$rc"
check "vced -m without a database gives up after migrate_timeout (2 s), not later than 10 s" test $((t1 - t0)) -le 10
check_match "vced -m without a database says why" "no answer from the database within migrate_timeout" "$(cat "$T/nodb.log")"

pg_up "$PGP"
vced_setup res_pgsql app_route chan_sip
vced_sip_conf "$E" "$SIP"
"$VCED" -c "$T/etc" -m >"$T/first-m.log" 2>&1
# res_pgsql (migrate = yes) starts applying at load and `db migrate` waits on the same advisory
# lock: whichever gets there first applies, so the log line is what says it was done.
check "first vced -m applies the migrations" grep -qE "applied (migration )?001_base" "$T/first-m.log"
check "vced -m loads only the resource modules (no SIP port opened)" sh -c "! grep -q 'SIP listening' '$T/first-m.log'"
psql -X -q -d vce -v ON_ERROR_STOP=1 -f "$VCE_SRCDIR/sql/demo/demo.sql" >/dev/null
psql -X -q -d vce -c "SELECT sip_account_provision('1000','vce.local','pw1000')" >/dev/null

sanitizer_reports() { grep -lE 'AddressSanitizer|LeakSanitizer|runtime error:' "$@" 2>/dev/null | wc -l; }

# vced -m, up to date: exit 0, "schema is up to date", no signal.
bad=0 badlogs=()
for i in $(seq 1 "$CYCLES"); do
    "$VCED" -c "$T/etc" -m >"$T/m-$i.log" 2>&1
    rc=$?
    if [ "$rc" -ne 0 ] || ! grep -q "schema is up to date" "$T/m-$i.log"; then
        bad=$((bad + 1)); badlogs+=("run $i: exit $rc: $(tail -n 2 "$T/m-$i.log" | tr '\n' ' ')")
    fi
done
check_eq "vced -m: $CYCLES runs, every one exits 0 and up to date" "0" "$bad"
[ "$bad" -gt 0 ] && printf '  %s\n' "${badlogs[@]:0:5}"
check_eq "vced -m: no sanitizer report in $CYCLES runs" "0" "$(sanitizer_reports "$T"/m-*.log)"

# start -> traffic -> SIGTERM
bad=0 badlogs=()
for i in $(seq 1 "$CYCLES"); do
    : >"$T/etc/vced.log"
    "$VCED" -c "$T/etc" -f >>"$T/etc/vced.log" 2>&1 &
    pid=$!
    for _j in $(seq 1 100); do [ -S "$T/etc/run/vced.ctl" ] && "$VCECTL" -s "$T/etc/run/vced.ctl" module show >/dev/null 2>&1 && break; sleep 0.05; done
    python3 "$UA" register "127.0.0.1:$SIP" 1000 pw1000 55261 --expires 60 >"$T/reg-$i.out" 2>&1
    python3 "$UA" options "127.0.0.1:$SIP" --count 3 >/dev/null 2>&1
    python3 "$UA" message "127.0.0.1:$SIP" 1000 pw1000 1000 "cycle $i" >/dev/null 2>&1
    "$VCECTL" -s "$T/etc/run/vced.ctl" sip show registrations >/dev/null 2>&1
    # On alternate cycles stop at once, while work may still be in flight.
    [ $((i % 2)) = 0 ] || sleep 0.2
    kill -TERM "$pid"
    for _j in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid"; bad=$((bad + 1)); badlogs+=("cycle $i: did not stop within 10 s of SIGTERM")
    fi
    wait "$pid"
    rc=$?
    if [ "$rc" -ne 0 ]; then
        bad=$((bad + 1)); badlogs+=("cycle $i: exit $rc$([ "$rc" -gt 128 ] && echo " (signal $((rc - 128)))")")
    fi
    cp "$T/etc/vced.log" "$T/run-$i.log"
done
check_eq "start/traffic/SIGTERM: $CYCLES cycles, every one exits 0" "0" "$bad"
[ "$bad" -gt 0 ] && printf '  %s\n' "${badlogs[@]:0:5}"
check_eq "start/traffic/SIGTERM: no sanitizer report in $CYCLES cycles" "0" "$(sanitizer_reports "$T"/run-*.log)"
check_eq "the cycles served traffic: every REGISTER was answered 200" "$CYCLES" "$(cat "$T"/reg-*.out | grep -cx 200)"
