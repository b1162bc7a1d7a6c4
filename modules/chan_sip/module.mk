# modules/chan_sip: build rules (filled in by its owner)
