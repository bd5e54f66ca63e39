#!/usr/bin/env python3
"""Only enrolled machines write: tokens, revocation, TLS and mTLS, against real processes.

Usage: delivery_auth_test.py PATH/TO/wardwatch-agent PATH/TO/wardwatch-collector
- wrong, missing, revoked and other machines' tokens get 401/403 and nothing is stored;
- `machines list` / `machines revoke ID` on the data folder of a running collector: the revoked
  token gets 401 at once; an agent without the enroll token keeps its reports spooled; with a
  valid enroll token it enrolls again and delivers them;
- TLS (a CA and a server certificate made with openssl here): the agent with --ca-file
  delivers over https; plain http to the TLS port fails with a clear message; without the CA
  the agent refuses the certificate; with --tls-client-ca the agent needs --client-cert.
"""
import gzip
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from delivery_common import (ENROLL_TOKEN, Agent, Collector, check, finish,  # noqa: E402
                             temp_dir)


def report(machine_id, sequence):
    return {"schema_version": "1.0", "machine": {"id": machine_id, "hostname": "h-" + machine_id},
            "agent": {"version": "test", "platform": "linux"}, "sequence": sequence,
            "collected_at_ms": int(time.time() * 1000), "interval_seconds": 60}


def post(c, token, body, gz=False):
    data = json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if gz:
        data = gzip.compress(data)
        headers["Content-Encoding"] = "gzip"
    if token is not None:
        headers["Authorization"] = "Bearer " + token
    status, text = c.request("POST", "/api/v1/reports", data, headers)
    return status, text.decode(errors="replace")


def enroll(c, machine_id, token=ENROLL_TOKEN):
    status, text = c.request("POST", "/api/v1/enroll",
                             json.dumps({"machine_id": machine_id, "hostname": "h"}).encode(),
                             {"Content-Type": "application/json",
                              "Authorization": "Bearer " + token})
    return status, (json.loads(text) if status == 200 else text)


def count(c):
    with c.db() as db:
        return db.execute("SELECT count(*) FROM reports").fetchone()[0]


def tokens(collector_bin, agent_bin, tmp):
    c = Collector(collector_bin, os.path.join(tmp, "c1"))
    c.start()
    try:
        s, a = enroll(c, "auth-a")
        s2, b = enroll(c, "auth-b")
        check(s == 200 and s2 == 200, "two machines enroll with the enroll token")
        s3, _ = enroll(c, "auth-x", token="not-the-enroll-token")
        check(s3 == 401, f"a wrong enroll token gets 401 ({s3})")
        ta, tb = a["machine_token"], b["machine_token"]
        check(post(c, ta, report("auth-a", 1))[0] == 200, "machine A's token stores A's report")
        before = count(c)
        cases = [("missing token", None, report("auth-a", 2), 401),
                 ("wrong token", "0" * 64, report("auth-a", 2), 401),
                 ("malformed token", "x", report("auth-a", 2), 401),
                 ("the enroll token used as a machine token", ENROLL_TOKEN, report("auth-a", 2), 401),
                 ("A's token with a report claiming B", ta, report("auth-b", 2), 403),
                 ("B's token with a report claiming A (gzip)", tb, report("auth-a", 2), 403)]
        for what, tok, body, want in cases:
            st, text = post(c, tok, body, gz="gzip" in what)
            check(st == want, f"{what}: HTTP {st} (want {want}) {text[:120]}")
        check(count(c) == before, f"nothing stored by refused requests ({count(c)} rows)")

        # The CLI on the data folder of the running collector.
        out = subprocess.run([collector_bin, "machines", "list", "--data-dir", c.data_dir],
                             capture_output=True, text=True)
        check(out.returncode == 0 and "auth-a" in out.stdout and "auth-b" in out.stdout,
              "machines list names both machines:\n" + out.stdout)
        t0 = time.time()
        out = subprocess.run([collector_bin, "machines", "revoke", "auth-a", "--data-dir",
                              c.data_dir], capture_output=True, text=True)
        check(out.returncode == 0, f"machines revoke auth-a: {out.stdout}{out.stderr}")
        st, text = post(c, ta, report("auth-a", 3))
        check(st == 401, f"the revoked token gets 401 from the running collector ({st}) "
                         f"{time.time() - t0:.3f} s after the revoke")
        check(post(c, tb, report("auth-b", 3))[0] == 200, "machine B is unaffected")
        out = subprocess.run([collector_bin, "machines", "list", "--data-dir", c.data_dir],
                             capture_output=True, text=True)
        row = [line for line in out.stdout.splitlines() if line.startswith("auth-a")]
        check(row and " yes " in row[0], f"machines list shows auth-a revoked: {row}")
        out = subprocess.run([collector_bin, "machines", "revoke", "nobody", "--data-dir",
                              c.data_dir], capture_output=True, text=True)
        check(out.returncode == 1 and "no machine" in out.stderr,
              f"revoking an unknown id fails clearly: {out.stderr.strip()}")
        with c.db() as db:
            n3 = db.execute("SELECT count(*) FROM reports WHERE machine_id='auth-a' AND "
                            "sequence=3").fetchone()[0]
        check(n3 == 0, "nothing stored for the revoked machine")

        # A revoked agent: 401 keeps its reports spooled; with the enroll token it re-enrolls.
        ag = Agent(agent_bin, os.path.join(tmp, "agent"), "auth-agent", c.base)
        code, _ = ag.once()
        check(code == 0, "the agent enrolls and delivers")
        subprocess.run([collector_bin, "machines", "revoke", "auth-agent", "--data-dir",
                        c.data_dir], check=True, capture_output=True)
        code, err = ag.once(enroll=False)
        check(code == 1 and "401" in err, f"revoked, without the enroll token: kept, 401 logged "
                                          f"({code}) {err.strip().splitlines()[-1:]}")
        code, err = ag.once()
        check(code == 0, f"with a valid enroll token it enrolls again and delivers (exit {code})")
        check(c.sequences("auth-agent") == [1, 2, 3], f"nothing lost: {c.sequences('auth-agent')}")
        # Cost of noticing CLI revocations: one stat() per machine-token request.
        t = time.time()
        for i in range(200):
            post(c, tb, report("auth-b", 100 + i))
        print(f"info 200 authenticated reports in {time.time() - t:.2f} s "
              "(each with the revocation-stamp check)")
    finally:
        c.stop()


def openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True, capture_output=True)


def make_pki(d):
    os.makedirs(d, exist_ok=True)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
            "ca.pem", "-days", "2", "-subj", "/CN=WardWatch test CA", cwd=d)
    with open(os.path.join(d, "ext.cnf"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for name in ("server", "client"):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out",
                f"{name}.csr", "-subj", f"/CN=wardwatch-{name}", cwd=d)
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile", "ext.cnf",
                cwd=d)
    # A second CA the collector does not trust, with its own client certificate.
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out",
            "other.pem", "-days", "2", "-subj", "/CN=rogue", cwd=d)


def tls(collector_bin, agent_bin, tmp):
    if shutil.which("openssl") is None:
        check(False, "openssl is needed to make test certificates")
        return
    pki = os.path.join(tmp, "pki")
    make_pki(pki)
    p = lambda n: os.path.join(pki, n)  # noqa: E731
    c = Collector(collector_bin, os.path.join(tmp, "c2"), scheme="https", ca_file=p("ca.pem"),
                  extra=["--tls-cert", p("server.pem"), "--tls-key", p("server.key")])
    c.start()
    try:
        ag = Agent(agent_bin, os.path.join(tmp, "tls-agent"), "tls-pc", c.base,
                   extra=["--ca-file", p("ca.pem")])
        code, err = ag.once()
        check(code == 0, f"the agent delivers over https with --ca-file (exit {code}) {err[-300:]}")
        check(c.sequences("tls-pc") == [1], "the report is stored")
        plain = Agent(agent_bin, os.path.join(tmp, "plain-agent"), "plain-pc",
                      f"http://127.0.0.1:{c.port}")
        code, err = plain.once()
        check(code == 1 and "https://" in err,
              f"plain http to the TLS port fails with a clear message: {err.strip()[-260:]}")
        check("plain HTTP sent to the TLS port" in c.logs(), "the collector logs the plain-HTTP client")
        noca = Agent(agent_bin, os.path.join(tmp, "noca-agent"), "noca-pc", c.base)
        code, err = noca.once()
        check(code == 1 and "certificate" in err.lower(),
              f"without the CA the certificate is refused: {err.strip()[-200:]}")
        check(c.sequences("plain-pc") == [] and c.sequences("noca-pc") == [],
              "nothing stored from the refused connections")
    finally:
        c.stop()
    # Bad configuration is refused at start with a message naming the option.
    os.makedirs(os.path.join(tmp, "c-bad"), exist_ok=True)
    out = subprocess.run([collector_bin, "--data-dir", os.path.join(tmp, "c-bad"), "--tls-cert",
                          p("server.pem"), "--tls-key", p("nope.key")],
                         capture_output=True, text=True, timeout=30)
    check(out.returncode != 0 and "--tls-key" in out.stderr,
          f"a missing key file stops the collector clearly: {out.stderr.strip()[-200:]}")

    # mTLS: the collector requires client certificates signed by the CA.
    m = Collector(collector_bin, os.path.join(tmp, "c3"), scheme="https", ca_file=p("ca.pem"),
                  client_cert=(p("client.pem"), p("client.key")),
                  extra=["--tls-cert", p("server.pem"), "--tls-key", p("server.key"),
                         "--tls-client-ca", p("ca.pem")])
    m.start()
    try:
        ok = Agent(agent_bin, os.path.join(tmp, "mtls-agent"), "mtls-pc", m.base,
                   extra=["--ca-file", p("ca.pem"), "--client-cert", p("client.pem"),
                          "--client-key", p("client.key")])
        code, err = ok.once()
        check(code == 0, f"mTLS: the agent with a client certificate delivers (exit {code}) {err[-200:]}")
        nocert = Agent(agent_bin, os.path.join(tmp, "nocert-agent"), "nocert-pc", m.base,
                       extra=["--ca-file", p("ca.pem")])
        code, err = nocert.once()
        check(code == 1, f"mTLS: without a client certificate refused: {err.strip()[-200:]}")
        rogue = Agent(agent_bin, os.path.join(tmp, "rogue-agent"), "rogue-pc", m.base,
                      extra=["--ca-file", p("ca.pem"), "--client-cert", p("other.pem"),
                             "--client-key", p("other.key")])
        code, err = rogue.once()
        check(code == 1, f"mTLS: a certificate from another CA refused: {err.strip()[-200:]}")
        check(m.sequences("mtls-pc") == [1] and m.sequences("nocert-pc") == [] and
              m.sequences("rogue-pc") == [], "only the certified agent's report is stored")
    finally:
        m.stop()


def main():
    agent_bin, collector_bin = sys.argv[1], sys.argv[2]
    tmp = temp_dir("auth")
    started = time.time()
    tokens(collector_bin, agent_bin, tmp)
    tls(collector_bin, agent_bin, tmp)
    print(f"took {time.time() - started:.1f} s; files in {tmp}")
    finish()


if __name__ == "__main__":
    main()
