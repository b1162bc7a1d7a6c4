# modules/app_route: build rules (filled in by its owner)
