# Times db_rows_doc_v1 -> hash_fnv1a32 (built and interpreted) against the sqlite3 shell on the
# same table, alternating, median of 5 (bench/results/db.md). Run from a directory holding
# big.db, bench.json and bench.exe; argv[1] is the sluice binary.
import subprocess, time, statistics, sys
cmds = {
  "sluice (built): db_rows_doc_v1 -> hash_fnv1a32": ["./bench.exe", "--emit", "summary"],
  "sluice run (interpreter)": [sys.argv[1], "run", "bench.json", "--world", "run-os", "--emit", "summary"],
  "sqlite3 big.db 'select id, name from big' > /dev/null": ["sqlite3", "big.db", "select id, name from big"],
}
times = {k: [] for k in cmds}
for _ in range(5):
    for k, c in cmds.items():
        t = time.perf_counter()
        subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times[k].append(time.perf_counter() - t)
base = statistics.median(times["sqlite3 big.db 'select id, name from big' > /dev/null"])
for k, v in times.items():
    m = statistics.median(v)
    print(f"| {k} | {m:.3f} s | {base / m:.2f}x |")
