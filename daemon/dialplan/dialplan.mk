# daemon/dialplan: build rules (filled in by its owner)
