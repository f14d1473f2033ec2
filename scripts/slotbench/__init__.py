"""slotbench - the benchmark suite's Python modules (run as python3 -m slotbench.NAME)."""
