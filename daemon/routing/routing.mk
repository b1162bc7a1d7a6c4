# daemon/routing: build rules (filled in by its owner)
