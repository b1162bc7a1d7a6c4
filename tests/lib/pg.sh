# Shell library: a private PostgreSQL server for one test run (sourced, not run).
#   pg_start DIR PORT   - initdb (as user postgres) in DIR and start on 127.0.0.1:PORT and a
#                         unix socket in DIR; sets PGHOST PGPORT PGUSER PGDATABASE for psql
#   pg_stop DIR         - stop that server by its pid
#   pg_restart DIR      - stop then start the same cluster again
# The cluster never listens on anything but loopback.
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}

_pg_as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
    _dir=$1 _port=$2
    if [ ! -f "$_dir/data/PG_VERSION" ]; then
        mkdir -p "$_dir"
        if [ "$(id -u)" = 0 ]; then
            chown postgres:postgres "$_dir"
            chmod a+x "$(dirname "$_dir")"  # the postgres user must reach its directory
        fi
        _pg_as_postgres "$PG_BIN/initdb" -D "$_dir/data" -U postgres -A trust --no-sync >"$_dir/initdb.log" 2>&1 \
            || { cat "$_dir/initdb.log" >&2; return 1; }
        cat >>"$_dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $_port
unix_socket_directories = '$_dir'
max_connections = 100
fsync = on
synchronous_commit = on
log_min_messages = warning
CONF
    fi
    # A server left running by an earlier run (crash, kill -9 of its parent) is reused; a
    # postmaster.pid whose process is gone (reboot, kill -9 of postgres) is stale and
    # PostgreSQL replaces it itself.
    _reuse=
    if _pg_as_postgres "$PG_BIN/pg_ctl" -D "$_dir/data" status >/dev/null 2>&1; then
        # Running, or dying (a postmaster killed a moment ago still has its pid): reuse it
        # only if it accepts connections.
        for _i in $(seq 1 30); do
            "$PG_BIN/pg_isready" -q -h "$_dir" -p "$_port" && { _reuse=1; break; }
            sleep 0.2
        done
    fi
    if [ -n "$_reuse" ]; then
        echo "pg: reusing the PostgreSQL already running in $_dir (pid $(pg_pid "$_dir"))" >&2
    else
        # After a kill -9 of the postmaster its backends may hold the old shared memory for
        # a moment ("pre-existing shared memory block is still in use"): try again.
        for _try in 1 2 3 4 5; do
            _pg_as_postgres "$PG_BIN/pg_ctl" -D "$_dir/data" -l "$_dir/server.log" -w -t 60 start >/dev/null && break
            [ "$_try" = 5 ] && { tail -n 20 "$_dir/server.log" >&2; return 1; }
            sleep 1
        done
    fi
    export PGHOST=$_dir PGPORT=$_port PGUSER=postgres
    export PGDATABASE=${PGDATABASE:-postgres}
}

pg_pid() { head -n1 "$1/data/postmaster.pid" 2>/dev/null; }

pg_stop() {
    _pid=$(pg_pid "$1")
    [ -n "$_pid" ] || return 0
    kill -INT "$_pid" 2>/dev/null
    for _i in $(seq 1 100); do kill -0 "$_pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$_pid" 2>/dev/null
}

pg_restart() { pg_stop "$1"; pg_start "$1" "$(sed -n 's/^port = //p' "$1/data/postgresql.conf" | tail -n1)"; }

# pg_createdb NAME : a fresh database (dropped first if it exists)
pg_createdb() {
    psql -X -q -d postgres -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$1\"" -c "CREATE DATABASE \"$1\"" >/dev/null
}
