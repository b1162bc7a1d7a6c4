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
. "$(dirname "${BASH_SOURCE[0]}")/proc.sh"
