"""Speed and memory benchmarks: each workload measured beside its baseline in the same run."""
