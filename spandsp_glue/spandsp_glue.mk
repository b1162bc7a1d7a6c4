# spandsp_glue: build rules (filled in by its owner)
