# Shell library: PASS/FAIL reporting for integration tests (sourced).
#   check NAME CMD...      - PASS if CMD succeeds, else FAIL (with its output indented)
#   check_eq NAME WANT GOT - PASS if equal
pass() { echo "PASS: ${CHECK_PREFIX:-}$1"; }
fail() { _n=$1; shift; [ $# -gt 0 ] && printf "  %s\n" "$@"; echo "FAIL: ${CHECK_PREFIX:-}$_n"; }
check() {
    _name=$1; shift
    if _out=$("$@" 2>&1); then pass "$_name"; else fail "$_name" "$(printf '%s' "$_out" | tail -n 5)"; fi
}
check_eq() {
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected: $2" "got:      $3"; fi
}
check_match() {
    if printf '%s' "$3" | grep -qE -- "$2"; then pass "$1"; else fail "$1" "expected to match: $2" "got: $(printf '%s' "$3" | head -c 400)"; fi
}
# alive PID - the process runs (a child that ended but was not waited for yet is a zombie: not alive)
alive() { _st=$(sed -n 's/^[0-9]* (.*) \([A-Z]\).*/\1/p' "/proc/$1/stat" 2>/dev/null); [ -n "$_st" ] && [ "$_st" != Z ]; }
# wait_exit PID [SECONDS] - waits for a child to end, at most SECONDS (default 30); then kills
# its process group and the child with SIGKILL and fails (returns 1), so that a process that does
# not stop is reported instead of hanging the whole run.
wait_exit() {
    _pid=$1 _secs=${2:-30}
    for _i in $(seq 1 $((_secs * 10))); do
        alive "$_pid" || { wait "$_pid" 2>/dev/null; return 0; }
        sleep 0.1
    done
    echo "  process $_pid did not end within ${_secs}s; killed" >&2
    kill -KILL -- "-$_pid" 2>/dev/null; kill -KILL "$_pid" 2>/dev/null
    wait "$_pid" 2>/dev/null
    return 1
}
