# Shell library: the setup integration scripts share (sourced by bash scripts, not run; sources
# pg.sh, vced.sh and check.sh). One scenario per script:
#   scenario_begin NAME        - temp dir T=/tmp/vce-NAME.XXXXXX, E=$T/etc (vced's config dir),
#                                PGDIR=$T/pg, and one EXIT trap that stops what the script
#                                started (scenario_end); KEEP=1 keeps the temp dir; every
#                                vced*.log in it is kept in $VCE_BUILDDIR/test-logs/vced/ (read
#                                by tests/integration/zz-no-secrets.sh)
#   scenario_bg PID...         - stop PID at exit (SIGTERM, SIGKILL after 10 s)
#   scenario_at_exit CMD...    - run CMD at exit, after the background pids, before vced stops
#   pg_up PORT                 - private PostgreSQL in PGDIR on PORT with a fresh database vce,
#                                or "FAIL: NAME: postgres starts" and exit 1
#   vced_setup MODULES...      - vced_conf in E against that PostgreSQL, loading MODULES
#   vced_up [ARGS...]          - vced_start E ARGS, or "FAIL: NAME: vced starts" and exit 1
#   migrated [SECONDS]         - waits (default 30 s) until `db migrate` says "up to date"
#   demo_load                  - migrated, then sql/demo/demo.sql into vce, then `route reload`
#   tdm_conf_general [LINE...] - E/tdm.conf with [general] country = de and LINEs (a new file)
#   tdm_conf_span NAME SOCKET CHANNELS SIGNALLING LAW GROUP CONTEXT [LINE...]
#                              - appends a [NAME] virtual span block (with LINEs) to E/tdm.conf
#   tdm_conf_pstn [CONTEXT]    - the usual trunks: [pstn] on T/pstn.sock, 2 channels fxo alaw,
#                                group pstnsim, context CONTEXT (default from-trunks)
#   baresip_conf [--tone HZ] [--rtp LO-HI] [--record] [--module NAME]... DIR PORT ACCOUNT
#                              - a headless baresip config dir (sine source, aubridge player,
#                                g711, loopback only, SIP on 127.0.0.1:PORT, one account line);
#                                --record: received audio as WAV files in DIR/snd (sndfile)
. "$(dirname "${BASH_SOURCE[0]}")/pg.sh"
. "$(dirname "${BASH_SOURCE[0]}")/vced.sh"
. "$(dirname "${BASH_SOURCE[0]}")/check.sh"

SCENARIO_BG=()
SCENARIO_AT_EXIT=()

scenario_begin() {
    SCENARIO=$1
    T=$(mktemp -d "/tmp/vce-$1.XXXXXX")
    E=$T/etc
    PGDIR=$T/pg
    trap scenario_end EXIT
}

scenario_bg() { SCENARIO_BG+=("$@"); }
scenario_at_exit() { SCENARIO_AT_EXIT+=("$(printf '%q ' "$@")"); }

# The EXIT trap: background pids, registered commands, vced, PostgreSQL, the temp dir.
scenario_end() {
    local p c
    for p in ${SCENARIO_BG[@]+"${SCENARIO_BG[@]}"}; do stop_pid "$p"; done
    for c in ${SCENARIO_AT_EXIT[@]+"${SCENARIO_AT_EXIT[@]}"}; do eval "$c"; done
    vced_stop
    pg_stop "$PGDIR"
    scenario_keep_logs
    if [ -n "${KEEP:-}" ]; then echo "kept $T"; else rm -rf "$T"; fi
}

# vced's logs outlive the temp dir (the last 20 MB of each), named after the scenario and their place in T.
scenario_keep_logs() {
    local keep=$VCE_BUILDDIR/test-logs/vced f
    mkdir -p "$keep" 2>/dev/null || return 0
    find "$T" -type f -name 'vced*.log*' 2>/dev/null | while read -r f; do
        tail -c 20000000 "$f" >"$keep/$SCENARIO-$(printf '%s' "${f#"$T"/}" | tr / _)"
    done
}

pg_up() {
    pg_start "$PGDIR" "$1" || { fail "$SCENARIO: postgres starts"; exit 1; }
    pg_createdb vce
}

vced_setup() { vced_conf "$E" "$PGDIR" "$PGPORT" "$@"; }

vced_up() { vced_start "$E" "$@" || { fail "$SCENARIO: vced starts"; exit 1; }; }

_migrate_up_to_date() { ctl db migrate 2>/dev/null | grep -q 'up to date'; }
migrated() {
    wait_for "${1:-30}" _migrate_up_to_date && return 0
    echo "  $SCENARIO: the migrations were not up to date within ${1:-30} s" >&2
    return 1
}

demo_load() {
    migrated || return 1
    psql -X -q -d vce -v ON_ERROR_STOP=1 -f "$VCE_SRCDIR/sql/demo/demo.sql" >"$T/demo.log" 2>&1 \
        || { sed 's/^/  demo.sql: /' "$T/demo.log" >&2; return 1; }
    ctl route reload >/dev/null 2>&1
}

_lines() { if [ $# -gt 0 ]; then printf '%s\n' "$@"; fi; }  # one line per argument, none for none

tdm_conf_general() {
    { echo "[general]"; echo "country = de"; _lines "$@"; } >"$E/tdm.conf"
}

tdm_conf_span() {
    { echo; echo "[$1]"; echo "type = virtual"; echo "path = $2"; echo "channels = $3"
      echo "signalling = $4"; echo "law = $5"; echo "group = $6"; echo "context = $7"
      shift 7; _lines "$@"; } >>"$E/tdm.conf"
}

tdm_conf_pstn() { tdm_conf_span pstn "$T/pstn.sock" 2 fxo alaw pstnsim "${1:-from-trunks}"; }

baresip_conf() {
    local tone=440 rtp=56000-56999 record='' mods=() m
    while [ $# -gt 0 ]; do
        case $1 in
            --tone) tone=$2; shift 2 ;;
            --rtp) rtp=$2; shift 2 ;;
            --record) record=1; mods+=(sndfile); shift ;;
            --module) mods+=("$2"); shift 2 ;;
            *) break ;;
        esac
    done
    local dir=$1 port=$2 account=$3 name
    name=$(basename "$dir")
    mkdir -p "$dir"
    if [ -n "$record" ]; then mkdir -p "$dir/snd"; fi
    {
        printf '%s\n' "poll_method epoll" "net_interface 127.0.0.1" "sip_listen 127.0.0.1:$port" "sip_trans_def udp" \
            "audio_player aubridge,$name" "audio_source ausine,$tone" "audio_alert aubridge,$name-alert" \
            "ausrc_srate 48000" "auplay_srate 48000" "ausrc_channels 2" "rtp_ports $rtp"
        if [ -n "$record" ]; then echo "snd_path $dir/snd"; fi
        echo "module_path /usr/lib/baresip/modules"
        for m in g711 ausine aubridge ${mods[@]+"${mods[@]}"} menu account; do echo "module $m.so"; done
    } >"$dir/config"
    printf '%s\n' "$account" >"$dir/accounts"
}
