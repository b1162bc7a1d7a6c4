# Shell library: waiting for and stopping processes by pid (sourced by check.sh and contrib/run).
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
# stop_pid PID [SECONDS] - SIGTERM to a child, then as wait_exit (default 10 s, then SIGKILL)
stop_pid() { kill -TERM "$1" 2>/dev/null || return 0; wait_exit "$1" "${2:-10}"; }
