# Shell library: checks on recorded audio for integration scripts (sourced).
#   tone_in_wavs HZ FILES... - prints the strongest share (0..1) of HZ in the 100 ms windows of
#                              the WAV files (e.g. what baresip's sndfile module recorded)
tone_in_wavs() {  # HZ FILES...
    python3 - "$@" <<'PY'
import math, struct, sys, wave
hz, best = float(sys.argv[1]), 0.0
for f in sys.argv[2:]:
    w = wave.open(f)
    rate, ch, n = w.getframerate(), w.getnchannels(), w.getnframes()
    raw = w.readframes(n)
    x = struct.unpack('<%dh' % (len(raw) // 2), raw)[::ch]
    win = rate // 10
    k = 2 * math.cos(2 * math.pi * hz / rate)
    for s in range(0, len(x) - win, win):
        s1 = s2 = e = 0.0
        for v in x[s:s + win]:
            s1, s2 = v + k * s1 - s2, s1
            e += v * v
        if e > 1e6: best = max(best, (s1 * s1 + s2 * s2 - k * s1 * s2) / (e * win / 2))
print('%.2f' % best)
PY
}
