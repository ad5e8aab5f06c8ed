"""Floor for parsing and loading: DuckDB's own read_json over the bundled snapshot's recorded Kolada and
SCB answers (the payloads an offline refresh parses), each into a table. Prints `seconds=<x>`: the
time of the reads alone, without starting Python or importing DuckDB."""

import time
from pathlib import Path

import duckdb

SNAPSHOT = Path(__file__).resolve().parents[1] / "indicator_pipeline" / "snapshots" / "bundled"

bodies = sorted([*SNAPSHOT.glob("kolada/*.body"), *SNAPSHOT.glob("scb/*.body")])
with duckdb.connect() as con:
    start = time.perf_counter()
    for number, body in enumerate(bodies):
        con.execute(f"CREATE TABLE payload_{number} AS SELECT * FROM read_json(?, format = 'auto')", [str(body)])
    seconds = time.perf_counter() - start
    rows = sum(con.execute(f"SELECT count(*) FROM payload_{n}").fetchone()[0] for n in range(len(bodies)))
print(f"{len(bodies)} payloads, {sum(b.stat().st_size for b in bodies)} bytes, {rows} rows")
print(f"seconds={seconds:.6f}")
