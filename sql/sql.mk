# sql: build rules (filled in by its owner)
