// vced entry point (placeholder until the core lands).
int main() { return 0; }
