# modules/chan_tdm: build rules (filled in by its owner)
