# daemon/numplan: build rules (filled in by its owner)
