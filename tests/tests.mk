# tests/: runners and test modules
