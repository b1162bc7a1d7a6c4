#!/bin/sh
# Integration run of the PSTN simulator binary: two processes on one virtual span socket.
# "box" mode plays vced (listens, seizes, dials); "sim" mode is the PSTN. Prints PASS:/FAIL:.
# Usage: tests/integration/pstnsim.sh [BUILD_DIR]
B=${1:-.}
SIM=$B/tests/pstnsim/vce-pstnsim
DIR=$(mktemp -d /tmp/vce-pstnsim.XXXXXX)
pass=0; fail=0
check() { # name expected-result box-args... ; sim args in $SIMARGS
    name=$1; want=$2; shift 2
    sock=$DIR/$name.sock
    "$SIM" box --span "$sock" "$@" --seconds 12 > "$DIR/$name.box" 2>&1 &
    boxpid=$!
    "$SIM" sim --span "$sock" --numbers '100=echo,200=busy,300=noanswer' --seconds 12 $SIMARGS > "$DIR/$name.sim" 2>&1 &
    simpid=$!
    wait $boxpid
    kill $simpid 2>/dev/null; wait $simpid 2>/dev/null
    got=$(sed -n 's/^RESULT: //p' "$DIR/$name.box")
    if [ "$got" = "$want" ]; then
        echo "PASS: pstnsim $name"; pass=$((pass+1))
    else
        echo "  expected '$want', got '$got'"; sed 's/^/  box: /' "$DIR/$name.box" | tail -5
        sed 's/^/  sim: /' "$DIR/$name.sim" | tail -5
        echo "FAIL: pstnsim $name"; fail=$((fail+1))
    fi
}
SIMARGS="" check busy-number busy --dial 200
SIMARGS="" check echo-number-answers answer --dial 100
SIMARGS="" check unknown-number-congestion congestion --dial 9
SIMARGS="--call 1:4711" check call-into-box "answered-call digits=4711" --await-call
rm -rf "$DIR"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
