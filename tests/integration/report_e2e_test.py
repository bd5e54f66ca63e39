#!/usr/bin/env python3
"""End to end: a real collector on a free loopback port fed by the office simulator, then
`wardwatch-collector report` writes PDF, HTML and CSV in Vietnamese and English. Checks:
pdftotext has the administrative headings and the planted worst machines in ranked order,
pdffonts shows every font embedded, the CSV parses back to the same ranking, the HTML has no
external references, and GET /api/v1/reports/upgrade answers application/pdf with the api
token and 401 without.

usage: report_e2e_test.py COLLECTOR SIMULATOR [--machines 60] [--days 28] [--seed 7]
Exit 77 (skip) when poppler-utils (pdftotext, pdffonts) are missing.
"""
import argparse
import csv
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ENROLL = "report-e2e-enroll"
API = "report-e2e-api"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(port, path, token=API):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("collector")
    ap.add_argument("simulator")
    ap.add_argument("--machines", type=int, default=60)
    ap.add_argument("--days", type=int, default=28)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--end", default="2026-11-28")
    ap.add_argument("--keep", help="copy the generated files here")
    args = ap.parse_args()
    if not (shutil.which("pdftotext") and shutil.which("pdffonts")):
        print("skip: pdftotext/pdffonts (poppler-utils) not installed")
        return 77
    work = tempfile.mkdtemp(prefix="ww-report-e2e-")
    failures = []
    try:
        data = os.path.join(work, "data")
        os.makedirs(data)
        subprocess.run([args.simulator, "--dry-run", "--machines", "1", "--days", "1", "--seed",
                        str(args.seed), "--end", args.end, "--site-config",
                        os.path.join(data, "site.json")], check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        proc = subprocess.Popen([args.collector, "--listen", f"127.0.0.1:{port}", "--data-dir", data,
                                 "--enroll-token", ENROLL, "--api-token", API],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.time() + 20
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                    break
                except OSError:
                    if time.time() > deadline or proc.poll() is not None:
                        raise SystemExit("collector did not start")
                    time.sleep(0.1)
            truth_path = os.path.join(work, "truth.json")
            t0 = time.time()
            subprocess.run([args.simulator, "--collector", f"http://127.0.0.1:{port}", "--enroll-token",
                            ENROLL, "--machines", str(args.machines), "--days", str(args.days), "--seed",
                            str(args.seed), "--end", args.end, "--concurrency", "4", "--gzip",
                            "--truth", truth_path], check=True, stdout=subprocess.DEVNULL, timeout=3600)
            print(f"backfill {args.machines} machines x {args.days} days: {time.time() - t0:.1f} s")
            # The API: same document type with the token, 401 without.
            st, ctype, body = fetch(port, "/api/v1/reports/upgrade?format=pdf&lang=vi")
            if st != 200 or not ctype.startswith("application/pdf") or not body.startswith(b"%PDF-"):
                failures.append(f"API pdf: status {st}, type {ctype}, starts {body[:8]!r}")
            st, _, _ = fetch(port, "/api/v1/reports/upgrade?format=pdf&lang=vi", token=None)
            if st != 401:
                failures.append(f"API without token: status {st}, expected 401")
            st, _, _ = fetch(port, "/api/v1/reports/upgrade?format=doc")
            if st != 400:
                failures.append(f"API with format=doc: status {st}, expected 400")
            # The console's period choice: the last N days up to the latest report.
            st, _, body = fetch(port, "/api/v1/reports/upgrade?format=csv&lang=en&period=7d")
            if st != 200 or not body.startswith(b"\xef\xbb\xbf"):
                failures.append(f"API with period=7d: status {st}, starts {body[:8]!r}")
            st, _, _ = fetch(port, "/api/v1/reports/upgrade?format=csv&period=7x")
            if st != 400:
                failures.append(f"API with period=7x: status {st}, expected 400")
        finally:
            proc.terminate()
            proc.wait(timeout=30)

        import json
        with open(truth_path) as f:
            truth = json.load(f)
        planted = {m["hostname"] for m in truth["machines"] if m["planted"] == "replace"}
        out = {}
        for lang in ("vi", "en"):
            for fmt in ("pdf", "html", "csv"):
                path = os.path.join(work, f"report-{lang}.{fmt}")
                t0 = time.time()
                r = subprocess.run([args.collector, "report", "--data-dir", data, "--format", fmt,
                                    "--lang", lang, "-o", path], capture_output=True, text=True)
                if r.returncode != 0:
                    failures.append(f"report {lang} {fmt} failed: {r.stderr}")
                    continue
                print(f"{lang} {fmt}: {os.path.getsize(path)} bytes in {time.time() - t0:.2f} s")
                out[(lang, fmt)] = path
        # CSV: BOM, parses back, ranking column 1..n.
        ranking = {}
        for lang in ("vi", "en"):
            raw = open(out[(lang, "csv")], "rb").read()
            if not raw.startswith(b"\xef\xbb\xbf"):
                failures.append(f"{lang} CSV has no UTF-8 BOM")
            rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
            ranked = [r for r in rows[1:] if r[0]]
            if [int(r[0]) for r in ranked] != list(range(1, len(ranked) + 1)):
                failures.append(f"{lang} CSV ranks are not 1..n")
            ranking[lang] = [r[2] for r in ranked]
        if ranking["vi"] != ranking["en"]:
            failures.append("vi and en CSV rankings differ")
        rank = ranking["vi"]
        missing = planted - set(rank)
        if missing:
            failures.append(f"planted replace machines missing from the ranking: {sorted(missing)}")
        expected = [h for h in rank if h in planted]
        for lang in ("vi", "en"):
            text = subprocess.run(["pdftotext", "-layout", out[(lang, "pdf")], "-"], capture_output=True,
                                  text=True).stdout
            if lang == "vi":
                for s in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO",
                          "Đề xuất nâng cấp trang thiết bị và đường truyền CNTT"):
                    if s not in text:
                        failures.append(f"vi PDF lacks \"{s}\"")
            # The planted worst machines appear in the ranked table in ranked order.
            start = text.find("II. DANH SÁCH" if lang == "vi" else "2. Replace-first ranking")
            if start < 0:
                failures.append(f"{lang} PDF lacks the ranking heading")
            text = text[max(start, 0):]
            pos = []
            for h in expected:
                m = re.search(r"(?<![\w-])" + re.escape(h) + r"(?![\w-])", text)
                pos.append(m.start() if m else -1)
            if -1 in pos or pos != sorted(pos):
                failures.append(f"{lang} PDF: planted machines {expected} not in ranked order ({pos})")
            fonts = subprocess.run(["pdffonts", out[(lang, "pdf")]], capture_output=True, text=True).stdout
            lines = fonts.splitlines()[2:]
            if not lines or any(l.split()[-5] != "yes" for l in lines):
                failures.append(f"{lang} PDF fonts not all embedded:\n{fonts}")
            html = open(out[(lang, "html")], encoding="utf-8").read()
            if re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", html, re.I) or "@import" in html:
                failures.append(f"{lang} HTML has an external reference")
            for h in expected:
                if h not in html:
                    failures.append(f"{lang} HTML lacks {h}")
        print(f"ranking ({len(rank)}): {rank[:10]}...; planted replace: {expected}")
        if args.keep:
            os.makedirs(args.keep, exist_ok=True)
            for p in out.values():
                shutil.copy(p, args.keep)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    print("OK" if not failures else f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
