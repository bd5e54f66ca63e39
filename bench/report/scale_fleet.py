#!/usr/bin/env python3
"""Makes a K-times larger fleet from a data folder a real backfill filled, for timing the
findings and the report at fleet sizes whose backfill would take hours (issue 7: 10,000
machines x 28 days). Every machine is copied K times under new ids ("<id>~<k>"): its enrolment,
its latest report with the id and hostname inside renamed (older raw reports are not copied:
the report reads only the latest), its package list, its hourly rollups and its metadata; the site's 5-minute WAN
buckets are multiplied by K, as K copies of the fleet would send. SQLite only, no collector.

Usage: scale_fleet.py SRC_DATA_DIR DST_DATA_DIR K
Then:  /usr/bin/time -v wardwatch-collector report --data-dir DST --format csv --lang en -o F
"""
import gzip
import json
import os
import shutil
import sqlite3
import sys
import time


def rename(body, suffix):
    """The stored report with machine.id and machine.hostname suffixed, stored the same way."""
    gz = isinstance(body, bytes) and body[:2] == b"\x1f\x8b"
    report = json.loads(gzip.decompress(body) if gz else body)
    machine = report.setdefault("machine", {})
    for key in ("id", "hostname"):
        if key in machine:
            machine[key] = str(machine[key]) + suffix
    text = json.dumps(report, separators=(",", ":")).encode()
    return gzip.compress(text, 6) if gz else text.decode()


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, dst, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if k < 1:
        sys.exit("K must be at least 1")
    for name in ("wardwatch.db", "analytics.db"):
        if not os.path.exists(os.path.join(src, name)):
            sys.exit(f"{src} has no {name}: fill it with a backfill first (bench/report/run.sh)")
    if os.path.exists(os.path.join(dst, "wardwatch.db")):
        sys.exit(f"{dst} already holds a fleet; remove it first")
    os.makedirs(dst, exist_ok=True)
    for name in ("site.json", "truth.json", "api-token"):
        if os.path.exists(os.path.join(src, name)):
            shutil.copy(os.path.join(src, name), dst)
    t0 = time.time()

    def schema(db_name):
        with sqlite3.connect(f"file:{os.path.join(src, db_name)}?mode=ro", uri=True) as s:
            return [row[0] for row in s.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
                "ORDER BY type = 'index'")]

    main_db = sqlite3.connect(os.path.join(dst, "wardwatch.db"))
    for sql in schema("wardwatch.db"):
        main_db.execute(sql)
    main_db.execute("ATTACH DATABASE ? AS src", (f"file:{os.path.join(src, 'wardwatch.db')}?mode=ro",))
    for i in range(k):
        suffix = f"~{i}"
        main_db.execute(
            "INSERT INTO machines SELECT id || ?1, hostname || ?1, token_hash || ?1, enrolled_at_ms,"
            " revoked, last_seen_ms FROM src.machines", (suffix,))
        # The report names a machine by the id and hostname inside its latest report (gzip'd
        # JSON as the collector stores it), so those are renamed too.
        rows = main_db.execute(
            "SELECT r.machine_id, r.sequence, r.collected_at_ms, r.received_at_ms, r.body"
            " FROM src.reports r"
            " JOIN (SELECT machine_id, MAX(sequence) AS s FROM src.reports GROUP BY machine_id) l"
            " ON l.machine_id = r.machine_id AND l.s = r.sequence").fetchall()
        for machine_id, sequence, collected, received, body in rows:
            main_db.execute("INSERT INTO reports VALUES (?, ?, ?, ?, ?)",
                            (machine_id + suffix, sequence, collected, received,
                             rename(body, suffix)))
        main_db.execute(
            "INSERT INTO machine_packages SELECT machine_id || ?1, sequence, inventory_hash,"
            " received_at_ms, packages FROM src.machine_packages", (suffix,))
    main_db.commit()
    machines = main_db.execute("SELECT COUNT(*) FROM machines").fetchone()[0]
    main_db.close()

    an = sqlite3.connect(os.path.join(dst, "analytics.db"))
    an.execute("PRAGMA journal_mode=WAL")
    for sql in schema("analytics.db"):
        an.execute(sql)
    an.execute("ATTACH DATABASE ? AS src", (f"file:{os.path.join(src, 'analytics.db')}?mode=ro",))
    for i in range(k):
        suffix = f"~{i}"
        an.execute("INSERT INTO machine_hours SELECT machine_id || ?1, hour_start, data"
                   " FROM src.machine_hours", (suffix,))
        an.execute("INSERT INTO machine_meta SELECT machine_id || ?1, data FROM src.machine_meta",
                   (suffix,))
        an.commit()
    an.execute("INSERT INTO site_buckets SELECT start, wan_rx * ?1, wan_tx * ?1, latency_sum * ?1,"
               " latency_count * ?1, machines * ?1 FROM src.site_buckets", (k,))
    an.commit()
    hours = an.execute("SELECT COUNT(*) FROM machine_hours").fetchone()[0]
    an.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    an.close()
    size = sum(os.path.getsize(os.path.join(dst, n)) for n in ("wardwatch.db", "analytics.db"))
    print(f"{dst}: {machines} machines, {hours} machine-hours, {size / 2**20:.0f} MiB, "
          f"{time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
