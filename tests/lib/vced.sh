# Shell library: run a vced from the build tree for one test (sourced, not run).
#   vced_conf DIR PGHOST PGPORT [MODULES...]  - write a config dir loading those modules
#   vced_start DIR [ARGS...]                  - start vced -f in the background; waits for
#                                               the control socket; sets VCED_PID
#   vced_stop                                 - SIGTERM by pid, wait for exit
#   ctl ARGS...                               - vcectl against that daemon
: "${VCE_BUILDDIR:?set VCE_BUILDDIR to the build tree}"
: "${VCE_SRCDIR:?set VCE_SRCDIR to the source tree}"
VCED="$VCE_BUILDDIR/daemon/vced"
VCECTL="$VCE_BUILDDIR/daemon/vcectl"

vced_conf() {
    _d=$1 _h=$2 _p=$3
    shift 3
    mkdir -p "$_d/run" "$_d/state"
    cat >"$_d/vced.conf" <<CONF
[general]
node_id = test-$$
rundir = $_d/run
statedir = $_d/state
moddir = $VCE_BUILDDIR/modules
CONF
    cp "$VCE_SRCDIR"/dialplan/*.conf "$_d/"
    { echo "[modules]"; for _m in "$@"; do echo "require => $_m.so"; done; } >"$_d/modules.conf"
    cat >"$_d/res_pgsql.conf" <<CONF
[general]
host = $_h
port = $_p
dbname = vce
user = postgres
migrate = yes
sqldir = $VCE_SRCDIR/sql
CONF
    VCED_CONFDIR=$_d
}

vced_start() {
    _d=$1
    shift
    rm -f "$_d/run/vced.ctl"
    "$VCED" -c "$_d" -f "$@" >>"$_d/vced.log" 2>&1 &
    VCED_PID=$!
    for _i in $(seq 1 100); do
        [ -S "$_d/run/vced.ctl" ] && return 0
        kill -0 "$VCED_PID" 2>/dev/null || { echo "  vced exited at start:"; tail -n 5 "$_d/vced.log" | sed 's/^/    /'; return 1; }
        sleep 0.1
    done
    echo "  vced did not open its control socket"
    return 1
}

vced_stop() {
    [ -n "${VCED_PID:-}" ] || return 0
    kill -TERM "$VCED_PID" 2>/dev/null
    for _i in $(seq 1 100); do kill -0 "$VCED_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$VCED_PID" 2>/dev/null && { kill -KILL "$VCED_PID" 2>/dev/null; echo "FAIL: vced did not stop within 10 s of SIGTERM"; }
    wait "$VCED_PID" 2>/dev/null
    VCED_PID=
    vced_sanitizer_check
}

# In a sanitizer build every report in the daemon's log is a failure of the test.
vced_sanitizer_check() {
    _log=${VCED_CONFDIR:-}/vced.log
    [ -f "$_log" ] || return 0
    if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$_log"; then
        grep -E -A6 'AddressSanitizer|LeakSanitizer|runtime error:' "$_log" | head -n 20 | sed 's/^/  /'
        echo "FAIL: sanitizer report in $(basename "$(dirname "$_log")")/vced.log"
        : >"$_log.checked"; mv "$_log" "$_log.reported"
    fi
}

# vced_sip_conf DIR PORT [LINE...] : sip.conf listening on 127.0.0.1:PORT (udp+tcp), plus $VCED_SIP_EXTRA,
# realm vce.local; extra [general] lines may follow.
vced_sip_conf() {
    _d=$1 _p=$2
    shift 2
    { printf '[general]\nbind = 127.0.0.1:%s\nrealm = vce.local\n' "$_p"; for _l in "$@"; do echo "$_l"; done
      # e.g. VCED_SIP_EXTRA='workers = 2' runs a suite with several SIP threads
      [ -n "${VCED_SIP_EXTRA:-}" ] && printf '%s\n' "$VCED_SIP_EXTRA"; } >"$_d/sip.conf"
}

ctl() { "$VCECTL" -s "$VCED_CONFDIR/run/vced.ctl" "$@"; }

# wait_for SECONDS CMD... : retry CMD every 0.1 s until it succeeds
wait_for() {
    _n=$(( $1 * 10 )); shift
    for _i in $(seq 1 "$_n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
    return 1
}
