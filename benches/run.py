#!/usr/bin/env python3
"""The benchmark: this library against libcurl (C), requests/httpx (Python) and
HttpClient (C# on Mono), all against one simulator over HTTPS on loopback, in one run;
then the C clients again against a plain nginx over TLS 1.3 on loopback (a server no
one here wrote, with a fixed JSON answer and a CA and certificate this script makes).

    benches/run.py [--smoke] [--calls N] [--rounds R] [--json PATH]
    benches/run.py --profile [--server nginx|sim] [--profile-calls N] [--top K]

`make bench` runs it in full; `make bench-smoke` (part of `make test`) runs a few calls
per client and checks only answers and the servers' request, connection and TLS
handshake counts (no timings are asserted); it ends with "bench: N passed, M failed".
`--profile` prints the top K functions by inclusive instructions per call of this
library's create (callgrind_annotate --inclusive=yes of N and 2N calls, difference / N). Assumes `make build`; builds the C clients itself, and the C# client when
target/csharp/Authsignal.Terminal.dll exists. A client whose language or wrapper is
missing is reported as skipped.

Per client: N sequential creates on one kept-alive connection after a warm-up, the same
split over 4 threads, and the cold first call (process start to first answer). Per
figure the median over R interleaved rounds. Plus callgrind instructions per call (this
library's create by the double and the _minor path, and libcurl: callgrind of N and 2N
calls in one process each, difference / N), the stripped library's size, dlopen time,
and the simulator's headroom (several client processes at once). Against nginx:
sequential runs and callgrind of the C clients, and latency under concurrency (1, 4 and
16 threads sharing one client, one client per thread, libcurl one handle per thread);
nginx's access log gives the connections, requests and TLS version seen. Then the cold
start (CA file and system roots; this library, lean libcurl, requests), peak RSS per
client for 1,000 calls and the library's after 100,000, and the payment journal's cost
per create. The baseline libcurl client, c-libcurl, is the lean one of issue 20
(benches/c/bench_curl.c); c-libcurl-checked copies and checks the body. The terminal id
is never printed.
"""

import re

import argparse
import json
import os
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REL = os.path.join(ROOT, "target", "release")
OUT = os.path.join(ROOT, "target", "bench")
LIB = os.path.join(REL, "libauthsignal_terminal.so")
SIM = os.path.join(REL, "authsignal-terminal-sim")
TERMINAL_ID = "tid_benchmark_7f3a"
THREADS = 4
CFLAGS = ["-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "-I" + os.path.join(ROOT, "include")]
# Variables that would change which CAs a client trusts: every client is given the
# simulator's CA explicitly, and nothing else should override it.
CA_ENV = ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"]
# What a client needs beyond the common environment: c-lib-double is bench_lib making
# its creates through the double path (as_client_create_payment_session, 12.5 USD).
CLIENT_ENV = {"c-lib-double": {"BENCH_AMOUNT": "double"}}
# The C clients that are also measured against nginx.
NGINX_CLIENTS = ["c-lib", "c-lib-double", "c-libcurl", "c-libcurl-checked"]
NGINX = "/usr/sbin/nginx"
# The clients of the cold start table, and the system's trust store (Debian's
# ca-certificates) that the "system roots" runs trust, with the test CA appended.
COLD_CLIENTS = ["c-lib", "c-libcurl", "python-requests"]
SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
# Latency under concurrency against nginx: (label, client, extra environment).
CONCURRENCY = [("c-lib, one shared client", "c-lib", {}),
               ("c-lib, a client per thread", "c-lib", {"BENCH_CLIENT_PER_THREAD": "1"}),
               ("c-libcurl, a handle per thread", "c-libcurl", {})]
CONCURRENCY_THREADS = [1, 4, 16]
# A venv for requests when the system Python has none (pip from PyPI).
VENV = os.path.join(OUT, "venv")
# Every check made (one per measured run and per count compared) and the failed ones:
# what `bench: N passed, M failed` reports.
CHECKS = {"passed": 0, "failed": 0}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def check(problems, ok, problem):
    """Counts one check; a failed one is listed under PROBLEMS."""
    CHECKS["passed" if ok else "failed"] += 1
    if not ok:
        problems.append(problem)


def check_run(problems, name, res, conns, expect_tls=True):
    """One measured run: every call answered, the server saw exactly the requests made,
    and the connections (and TLS handshakes, one per connection) are within conns."""
    lo, hi = conns
    check(problems, not res["failed"] and res["requests"] == res["expected_requests"],
          f"{name}: {res['failed']} failed calls, the server saw {res['requests']} requests "
          f"for {res['expected_requests']}")
    ok = lo <= res["connections"] <= hi and (not expect_tls or res["tls_handshakes"] == res["connections"])
    want = f"{lo}" if lo == hi else f"{lo} to {hi}"
    check(problems, ok, f"{name}: {res['connections']} connections and {res['tls_handshakes']} TLS "
          f"handshakes, not {want} with one handshake each")


# ---------------------------------------------------------------- building the clients


def build_clients():
    """Returns {client label: argv prefix} for every client that can run here."""
    os.makedirs(OUT, exist_ok=True)
    c = os.path.join(ROOT, "benches", "c")
    clients = {}
    run(["gcc", *CFLAGS, os.path.join(c, "bench_lib.c"), "-L" + REL, "-lauthsignal_terminal",
         "-Wl,-rpath," + REL, "-pthread", "-o", os.path.join(OUT, "bench_lib")])
    clients["c-lib"] = [os.path.join(OUT, "bench_lib")]
    clients["c-lib-double"] = [os.path.join(OUT, "bench_lib")]
    run(["gcc", *CFLAGS, os.path.join(c, "bench_load.c"), "-ldl", "-o", os.path.join(OUT, "bench_load")])
    try:
        run(["gcc", *CFLAGS, os.path.join(c, "bench_curl.c"), "-lcurl", "-pthread",
             "-o", os.path.join(OUT, "bench_curl")], stderr=subprocess.DEVNULL)
        clients["c-libcurl"] = [os.path.join(OUT, "bench_curl")]
        run(["gcc", *CFLAGS, os.path.join(c, "bench_curl_checked.c"), "-lcurl", "-pthread",
             "-o", os.path.join(OUT, "bench_curl_checked")])
        clients["c-libcurl-checked"] = [os.path.join(OUT, "bench_curl_checked")]
    except subprocess.CalledProcessError:
        log("skip c-libcurl: libcurl4-openssl-dev is not installed (apt-get install libcurl4-openssl-dev)")

    py = [sys.executable, os.path.join(ROOT, "benches", "python", "bench.py")]
    if python_wrapper_works():
        clients["python-lib"] = py + ["lib"]
    else:
        log("skip python-lib: bindings/python does not import with this build")
    bench_py = os.path.join(ROOT, "benches", "python", "bench.py")
    requests_py = python_with("requests")
    if requests_py:
        clients["python-requests"] = [requests_py, bench_py, "requests"]
    else:
        log("skip python-requests: neither the system Python nor a venv (python3-venv) has requests")
    if importable(sys.executable, "httpx"):
        clients["python-httpx"] = py + ["httpx"]
    else:
        log("skip python-httpx: pip install httpx")

    dll = os.path.join(ROOT, "target", "csharp", "Authsignal.Terminal.dll")
    if shutil.which("mcs") and shutil.which("mono") and os.path.exists(dll):
        cs = os.path.join(OUT, "csharp")
        os.makedirs(cs, exist_ok=True)
        shutil.copy(dll, cs)
        try:
            run(["mcs", "-nologo", "-optimize+", "-warnaserror+", "-r:System.Net.Http.dll",
                 "-r:" + os.path.join(cs, "Authsignal.Terminal.dll"), "-out:" + os.path.join(cs, "Bench.exe"),
                 os.path.join(ROOT, "benches", "csharp", "Bench.cs")], capture_output=True)
            exe = ["mono", os.path.join(cs, "Bench.exe")]
            clients["csharp-lib"] = exe + ["lib"]
            clients["csharp-httpclient"] = exe + ["httpclient"]
        except subprocess.CalledProcessError as e:
            log("skip C#: the benchmark did not compile (libmono-system-net-http4.0-cil?):",
                e.stdout.decode(errors="replace")[-300:])
    else:
        log("skip C#: needs mono, mcs and target/csharp/Authsignal.Terminal.dll (make csharp)")
    return clients


def importable(python, mod):
    return subprocess.run([python, "-c", f"import {mod}"], capture_output=True).returncode == 0


def python_with(mod):
    """A Python that imports mod: this one, or a venv under target/bench into which pip
    installs mod from PyPI (Debian's Python is externally managed: no pip --user)."""
    if importable(sys.executable, mod):
        return sys.executable
    py = os.path.join(VENV, "bin", "python3")
    if not os.path.exists(py):
        log(f"{mod} is not importable: making a venv in {VENV}")
        if subprocess.run([sys.executable, "-m", "venv", VENV], capture_output=True).returncode != 0:
            return None
    if not importable(py, mod):
        log(f"pip install {mod} into {VENV}")
        subprocess.run([py, "-m", "pip", "install", "-q", mod], stdout=subprocess.DEVNULL)
    return py if importable(py, mod) else None


def python_wrapper_works():
    src = os.path.join(ROOT, "bindings", "python", "src")
    if not os.path.isdir(os.path.join(src, "authsignal_terminal")):
        return False
    env = dict(os.environ, PYTHONPATH=src, AUTHSIGNAL_TERMINAL_LIBRARY=LIB)
    probe = "import authsignal_terminal as at; at.Client(base_url='http://127.0.0.1:9/v1').close()"
    return subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True).returncode == 0


# ---------------------------------------------------------------- the simulator


class Simulator:
    # Each stats() is itself one HTTPS request on a connection of its own.
    probe = 1

    def __init__(self):
        self.proc = subprocess.Popen([SIM, "--port", "0", "--quiet"], stdout=subprocess.PIPE, text=True)
        info = {}
        for line in self.proc.stdout:
            line = line.strip()
            if line == "READY":
                break
            k, _, v = line.partition("=")
            info[k] = v
        self.base_url, self.ca_file = info["BASE_URL"], info["CA_FILE"]
        self.ctx = ssl.create_default_context(cafile=self.ca_file)

    def stats(self):
        with urllib.request.urlopen(self.base_url + "/_sim/stats", context=self.ctx) as r:
            return json.loads(r.read())

    def stop(self):
        self.proc.terminate()
        out = self.proc.communicate(timeout=10)[0]
        return out.strip()


class Nginx:
    """Debian's nginx-light on loopback over TLS 1.3 only, answering every create and get
    with a fixed JSON body. Its CA and certificate (ECDSA P-256, for 127.0.0.1, as the
    simulator's) are made here with openssl; the clients trust that CA only. Its access
    log, one line per request, is what stats() counts."""

    probe = 0
    ANSWER = ('{"challengeId":"ef6b3212-6121-4a9e-92ef-09d819e36e93","status":"PENDING",'
              '"reference":"bench"}')

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="bench-nginx-")
        d = self.dir
        key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        run(["openssl", "req", "-x509", *key, "-keyout", f"{d}/ca.key", "-out", f"{d}/ca.pem",
             "-days", "2", "-subj", "/CN=authsignal-terminal bench CA",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign"], **quiet)
        run(["openssl", "req", *key, "-keyout", f"{d}/leaf.key", "-out", f"{d}/leaf.csr",
             "-subj", "/CN=127.0.0.1"], **quiet)
        with open(f"{d}/leaf.ext", "w") as f:
            f.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                    "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n")
        run(["openssl", "x509", "-req", "-in", f"{d}/leaf.csr", "-CA", f"{d}/ca.pem",
             "-CAkey", f"{d}/ca.key", "-CAcreateserial", "-days", "2", "-extfile", f"{d}/leaf.ext",
             "-out", f"{d}/leaf.pem"], **quiet)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.log = f"{d}/access.log"
        answer = self.ANSWER.replace("'", "\\'")
        with open(f"{d}/nginx.conf", "w") as f:
            f.write(f"""daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 64; }}
http {{
  client_body_temp_path {d}/body;
  proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi;
  scgi_temp_path {d}/scgi;
  log_format bench '$connection $ssl_protocol $request_method $status';
  access_log {self.log} bench;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  server {{
    listen 127.0.0.1:{port} ssl;
    ssl_certificate {d}/leaf.pem;
    ssl_certificate_key {d}/leaf.key;
    ssl_protocols TLSv1.3;
    default_type application/json;
    location = /v1/terminal/payment-session {{ return 200 '{answer}'; }}
    location /v1/terminal/payment-session/ {{ return 200 '{answer}'; }}
    location / {{ return 404 '{{"errorCode":"not_found"}}'; }}
  }}
}}
""")
        self.proc = subprocess.Popen([NGINX, "-p", d, "-c", f"{d}/nginx.conf"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.base_url, self.ca_file = f"https://127.0.0.1:{port}/v1", f"{d}/ca.pem"
        ctx = ssl.create_default_context(cafile=self.ca_file)
        deadline = time.time() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as raw:
                    with ctx.wrap_socket(raw, server_hostname="127.0.0.1"):
                        break
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("nginx did not start: " + self.proc.stderr.read()[-400:]
                                       if self.proc.poll() is not None else "nginx did not start")
                time.sleep(0.05)

    def stats(self):
        # nginx writes a request's log line after the answer has gone out, so the client
        # may have exited before its last line is there: read until the log stops growing.
        last, deadline = None, time.time() + 2
        while True:
            now = self._read_log()
            if now == last or time.time() > deadline:
                return now
            last = now
            time.sleep(0.02)

    def _read_log(self):
        conns, tls13, requests = set(), set(), 0
        if os.path.exists(self.log):
            with open(self.log) as f:
                for line in f:
                    conn, proto, _method, _status = line.split()
                    conns.add(conn)
                    if proto == "TLSv1.3":
                        tls13.add(conn)
                    requests += 1
        # Every connection is TLS 1.3 (nginx allows nothing else) with one full handshake.
        return {"connections": len(conns), "tls_handshakes": len(tls13), "requests": requests}

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        final = self._read_log()
        shutil.rmtree(self.dir, ignore_errors=True)
        return "nginx access log: " + json.dumps(final)


def client_env(sim, client=None, extra=None):
    env = {k: v for k, v in os.environ.items() if k not in CA_ENV}
    env.update(CLIENT_ENV.get(client, {}))
    env.update(extra or {})
    env.update(BENCH_BASE_URL=sim.base_url, BENCH_CA_FILE=sim.ca_file, BENCH_TERMINAL_ID=TERMINAL_ID,
               PYTHONPATH=os.path.join(ROOT, "bindings", "python", "src"),
               AUTHSIGNAL_TERMINAL_LIBRARY=LIB, LD_LIBRARY_PATH=REL)
    return env


def measure(sim, client, argv, args, warmup_requests, extra_env=None):
    """Runs one client once; returns its JSON plus what the server saw of it."""
    env = client_env(sim, client, extra_env)
    before = sim.stats()
    spawned = time.time_ns()
    p = subprocess.run(argv + args, env=env, capture_output=True, text=True, timeout=600)
    after = sim.stats()
    if p.returncode != 0 or not p.stdout.strip():
        raise RuntimeError(f"{' '.join(os.path.basename(a) for a in argv + args)} failed "
                           f"(exit {p.returncode}): {p.stderr.strip()[-400:]}")
    result = json.loads(p.stdout.strip().splitlines()[-1])
    # A server may log a request just after its answer went out (nginx): give a count
    # that is short of the calls made up to 2 s to arrive before it is believed.
    deadline, probes = time.time() + 2, 1
    while after["requests"] - before["requests"] < result["calls"] + warmup_requests and time.time() < deadline:
        time.sleep(0.05)
        after = sim.stats()
        probes += 1
    # Each simulator probe of `after` opened one connection with one handshake;
    # `before`'s was already counted in `before`. Reading nginx's log opens none.
    result["connections"] = after["connections"] - before["connections"] - sim.probe * probes
    result["tls_handshakes"] = after["tls_handshakes"] - before["tls_handshakes"] - sim.probe * probes
    result["requests"] = after["requests"] - before["requests"]
    result["expected_requests"] = result["calls"] + warmup_requests
    if "first_answer_ns" in result:
        result["cold_ms"] = (result["first_answer_ns"] - spawned) / 1e6
    return result


# ---------------------------------------------------------------- the other figures


def callgrind_per_call(sim, client, argv, n):
    """Instructions per call: callgrind totals of n and 2n calls, difference / n."""
    totals = []
    with tempfile.TemporaryDirectory() as d:
        for calls in (n, 2 * n):
            out = os.path.join(d, f"cg.{calls}")
            subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, *argv,
                            "seq", str(calls), "1"], env=client_env(sim, client), check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            with open(out) as f:
                totals.append(next(int(l.split()[1]) for l in f if l.startswith("summary:")))
    return (totals[1] - totals[0]) / n


def stripped_size(path):
    with tempfile.TemporaryDirectory() as d:
        copy = os.path.join(d, "lib.so")
        shutil.copy(path, copy)
        run(["strip", "--strip-all", copy])
        return os.path.getsize(copy)


def libcurl_path():
    out = subprocess.run(["ldd", os.path.join(OUT, "bench_curl")], capture_output=True, text=True).stdout
    deps = {}
    for line in out.splitlines():
        parts = line.split()
        if "=>" in parts and len(parts) >= 3 and parts[2].startswith("/"):
            deps[parts[0]] = parts[2]
    return deps


def load_ms(path, times):
    return statistics.median(
        int(subprocess.run([os.path.join(OUT, "bench_load"), path], capture_output=True, text=True,
                           check=True).stdout) / 1e6 for _ in range(times))


def headroom(sim, argv, procs, calls):
    """Several client processes at once: what the simulator serves in total."""
    env = client_env(sim)
    start = time.perf_counter()
    ps = [subprocess.Popen(argv + ["seq", str(calls), "20"], env=env, stdout=subprocess.PIPE, text=True)
          for _ in range(procs)]
    outs = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in ps]
    wall = time.perf_counter() - start
    if any(o["failed"] for o in outs):
        raise RuntimeError("a headroom client failed")
    # Each process's own timed window overlaps the others'; the sum of their rates is
    # what the simulator served while all ran.
    return sum(o["rps"] for o in outs), procs * calls / wall


# ---------------------------------------------------------------- the run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true", help="a few calls; check correctness and counts only")
    ap.add_argument("--calls", type=int, default=2000, help="timed calls per run (default 2000)")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are reported")
    ap.add_argument("--json", help="also write every measurement here")
    ap.add_argument("--cold-runs", type=int, default=15, help="fresh processes per cold start figure (default 15)")
    ap.add_argument("--profile", action="store_true",
                    help="only the per-function table: this library's top inclusive costs per call")
    ap.add_argument("--server", choices=["nginx", "sim"], default="nginx", help="--profile's server")
    ap.add_argument("--profile-calls", type=int, default=500, help="--profile: N (runs of N and 2N calls)")
    ap.add_argument("--top", type=int, default=10, help="--profile: how many functions")
    a = ap.parse_args()
    if a.profile:
        profile(a.server, a.profile_calls, a.top)
        return
    n = 20 if a.smoke else a.calls
    rounds = 1 if a.smoke else a.rounds
    warmup = 5 if a.smoke else 200
    cold_runs = 1 if a.smoke else 5

    clients = build_clients()
    sim = Simulator()
    problems = []
    rows = {c: {"seq": [], "threads": [], "cold": []} for c in clients}
    try:
        for r in range(rounds):
            for c, argv in clients.items():
                log(f"round {r + 1}/{rounds}: {c}")
                rows[c]["seq"].append(measure(sim, c, argv, ["seq", str(n), str(warmup)], warmup))
                tw = max(1, warmup // THREADS)
                rows[c]["threads"].append(
                    measure(sim, c, argv, ["threads", str(THREADS), str(n), str(tw)], tw * THREADS))
        for _ in range(cold_runs):
            for c, argv in clients.items():
                rows[c]["cold"].append(measure(sim, c, argv, ["cold"], 0))

        for c, modes in rows.items():
            for mode, results in modes.items():
                for res in results:
                    check_run(problems, f"{c} {mode}", res, (1, THREADS) if mode == "threads" else (1, 1))

        log("cold start, CA file and system roots")
        cold = cold_start(sim, clients, 1 if a.smoke else a.cold_runs, problems)
        log("resident memory")
        rss = resident(sim, clients, 20 if a.smoke else 1000, 200 if a.smoke else 100000, problems)
        log("journal")
        journal = journal_cost(sim, clients, 10 if a.smoke else max(50, n // 4), rounds, a.smoke, problems)

        extra = {}
        if not a.smoke:
            log("callgrind")
            for c, key in (("c-lib", "ir_lib"), ("c-lib-double", "ir_lib_double"), ("c-libcurl", "ir_curl"),
                           ("c-libcurl-checked", "ir_curl_checked")):
                if c in clients:
                    extra[key] = callgrind_per_call(sim, c, clients[c], 500)
            log("headroom")
            best = max(statistics.median(x["rps"] for x in m["seq"]) for m in rows.values())
            busiest = "c-lib" if "c-lib" in clients else next(iter(clients))
            extra["headroom"] = headroom(sim, clients[busiest], 4, n * 2) + (best, busiest)
            extra["size_lib"] = stripped_size(LIB)
            deps = libcurl_path() if "c-libcurl" in clients else {}
            if "libcurl.so.4" in deps:
                extra["size_curl"] = stripped_size(deps["libcurl.so.4"])
                extra["size_curl_tls"] = sum(stripped_size(deps[k]) for k in deps if k.startswith(("libssl", "libcrypto")))
                extra["load_curl"] = load_ms(deps["libcurl.so.4"], 9)
            extra["load_lib"] = load_ms(LIB, 9)
    finally:
        final = sim.stop()

    nginx_rows, nginx_extra, nginx_final, conc = run_nginx(clients, n, rounds, warmup, a.smoke, problems)

    report = render(rows, extra, n, rounds, warmup, cold_runs, a.smoke, final)
    report += "\n\n" + render_nginx(nginx_rows, nginx_extra, n, rounds, warmup, a.smoke, nginx_final)
    report += "\n\n" + render_concurrency(conc, n, rounds)
    report += "\n\n" + render_cold(cold, 1 if a.smoke else a.cold_runs, a.smoke)
    report += "\n\n" + render_rss(rss, a.smoke)
    report += "\n\n" + render_journal(journal, a.smoke)
    print(report)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"rows": rows, "extra": extra, "nginx_rows": nginx_rows, "nginx_extra": nginx_extra,
                       "concurrency": {(k if isinstance(k, str) else f"{k[0]} / {k[1]} threads"): v
                                       for k, v in conc.items()},
                       "cold": {f"{k[0]} / {k[1]}": v for k, v in cold.items()}, "rss": rss,
                       "journal": journal}, f, indent=1, default=str)
    if problems:
        print("\nPROBLEMS:\n" + "\n".join("- " + p for p in problems))
    else:
        print("\nbench: every client answered correctly; one connection and one TLS handshake per sequential client"
              + ("; against nginx too, over TLS 1.3" if nginx_rows else ""))
    # The line .ci/run sums ("name: N passed, M failed").
    print(f"bench: {CHECKS['passed']} passed, {CHECKS['failed']} failed")
    sys.exit(1 if problems else 0)


def run_nginx(clients, n, rounds, warmup, smoke, problems):
    """The C clients against nginx: sequential runs (interleaved rounds, as above) and,
    unless smoke, callgrind instructions per call. Checks answers, requests, one
    connection per run and TLS 1.3 from nginx's own log."""
    names = [c for c in NGINX_CLIENTS if c in clients]
    if not os.path.exists(NGINX):
        check(problems, False, "nginx: /usr/sbin/nginx is missing (scripts/install-deps.sh bench installs nginx-light)")
        return {}, {}, "nginx: not run", {}
    server = Nginx()
    rows = {c: [] for c in names}
    extra = {}
    try:
        for r in range(rounds):
            for c in names:
                log(f"nginx round {r + 1}/{rounds}: {c}")
                rows[c].append(measure(server, c, clients[c], ["seq", str(n), str(warmup)], warmup))
        for c, results in rows.items():
            for res in results:
                check_run(problems, f"nginx {c}", res, (1, 1))
        conc = concurrency(server, clients, 48 if smoke else n, rounds, warmup, problems)
        if not smoke:
            log("nginx contention (strace)")
            conc["contention"] = contention(server, clients, n, CONCURRENCY_THREADS[-1])
            log("nginx callgrind")
            for c in names:
                extra[c] = callgrind_per_call(server, c, clients[c], 500)
    finally:
        final = server.stop()
    return rows, extra, final, conc


def render_nginx(rows, extra, n, rounds, warmup, smoke, final):
    if not rows:
        return final
    out = []
    w = out.append
    w(f"Against nginx (Debian nginx-light, TLS 1.3 only, fixed JSON answer, its own CA): {n} calls per run "
      f"after {warmup} warm-up calls, sequential, {rounds} interleaved round(s), medians")
    w("")
    w("| client | req/s | p50 µs | p99 µs | CPU µs/call | peak RSS MiB | TCP conns | TLS 1.3 conns |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|")
    for c, rs in rows.items():
        w(f"| {c} | {med(rs, 'rps'):,.0f} | {med(rs, 'p50_us'):,.0f} | {med(rs, 'p99_us'):,.0f} | "
          f"{med(rs, 'cpu_us_per_call'):,.1f} | {med(rs, 'maxrss_kb') / 1024:,.1f} | "
          f"{max(r['connections'] for r in rs)} | {max(r['tls_handshakes'] for r in rs)} |")
    w("")
    w(final)
    if smoke or "c-libcurl" not in extra:
        return "\n".join(out)
    w("")
    w("| target (against nginx) | measured | met |")
    w("|---|---|---|")
    curl = extra["c-libcurl"]
    for c, path in (("c-lib", "_minor"), ("c-lib-double", "double")):
        if c in extra:
            v = extra[c] / curl
            w(f"| C instructions per call, lib ({path} path) / lean libcurl ≤ 0.5 ({extra[c]:,.0f} / {curl:,.0f}) "
              f"| {v:.2f} | {'yes' if v <= 0.5 else 'NO'} |")
    if "c-libcurl-checked" in extra and "c-lib" in extra:
        chk = extra["c-libcurl-checked"]
        w(f"| (no target) lib (_minor path) / c-libcurl-checked ({extra['c-lib']:,.0f} / {chk:,.0f}) "
          f"| {extra['c-lib'] / chk:.2f} | – |")
    if "c-lib" in rows:
        v = med(rows["c-lib"], "rps") / med(rows["c-libcurl"], "rps")
        w(f"| C sequential req/s, lib / lean libcurl ≥ 1.0 | {v:.2f} | {'yes' if v >= 1.0 else 'NO'} |")
    return "\n".join(out)


def med(results, key):
    return statistics.median(r[key] for r in results) if results else float("nan")


def render(rows, extra, n, rounds, warmup, cold_runs, smoke, final):
    out = []
    w = out.append
    w(f"calls per run: {n} (after {warmup} warm-up calls), {THREADS} threads for the threaded run, "
      f"{rounds} interleaved round(s), medians; cold: median of {cold_runs} process start(s)")
    w("")
    w("| client | mode | req/s | p50 µs | p99 µs | CPU µs/call | peak RSS MiB | TCP conns | TLS handshakes |")
    w("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for c, modes in rows.items():
        for mode in ("seq", "threads"):
            rs = modes[mode]
            w(f"| {c} | {'sequential' if mode == 'seq' else f'{THREADS} threads'} | {med(rs, 'rps'):,.0f} | "
              f"{med(rs, 'p50_us'):,.0f} | {med(rs, 'p99_us'):,.0f} | {med(rs, 'cpu_us_per_call'):,.1f} | "
              f"{med(rs, 'maxrss_kb') / 1024:,.1f} | {max(r['connections'] for r in rs)} | "
              f"{max(r['tls_handshakes'] for r in rs)} |")
    w("")
    w("| client | cold: process start to first answer, ms | peak RSS MiB | TCP conns | TLS handshakes |")
    w("|---|---:|---:|---:|---:|")
    for c, modes in rows.items():
        rs = modes["cold"]
        w(f"| {c} | {med(rs, 'cold_ms'):,.1f} | {med(rs, 'maxrss_kb') / 1024:,.1f} | "
          f"{max(r['connections'] for r in rs)} | {max(r['tls_handshakes'] for r in rs)} |")
    w("")
    w(f"simulator at exit: {final}")
    if smoke:
        return "\n".join(out)

    def ratio(a, b, key, mode="seq"):
        if a not in rows or b not in rows:
            return None
        return med(rows[a][mode], key) / med(rows[b][mode], key)

    w("")
    w("| target | measured | met |")
    w("|---|---|---|")

    def target(name, value, ok, fmt="{:.2f}"):
        w(f"| {name} | {'n/a (client skipped)' if value is None else fmt.format(value)} | "
          f"{'n/a' if value is None else ('yes' if ok(value) else 'NO')} |")

    target("C sequential req/s, lib / lean libcurl ≥ 1.0", ratio("c-lib", "c-libcurl", "rps"), lambda v: v >= 1.0)
    for key, path in (("ir_lib", "_minor"), ("ir_lib_double", "double")):
        ir = (extra[key] / extra["ir_curl"]) if key in extra and "ir_curl" in extra else None
        target(f"C instructions per call, lib ({path} path) / lean libcurl ≤ 0.5 ({extra.get(key, 0):,.0f} / "
               f"{extra.get('ir_curl', 0):,.0f})", ir, lambda v: v <= 0.5)
    if "ir_curl_checked" in extra and "ir_lib" in extra:
        target(f"(no target) lib (_minor path) / c-libcurl-checked ({extra['ir_lib']:,.0f} / "
               f"{extra['ir_curl_checked']:,.0f})", extra["ir_lib"] / extra["ir_curl_checked"], lambda v: True)
    target("Python req/s, wrapper / requests.Session ≥ 3", ratio("python-lib", "python-requests", "rps"),
           lambda v: v >= 3)
    if "python-httpx" in rows:
        target("Python req/s, wrapper / httpx.Client (no target)", ratio("python-lib", "python-httpx", "rps"),
               lambda v: True)
    target("C# req/s on Mono, wrapper / HttpClient ≥ 1", ratio("csharp-lib", "csharp-httpclient", "rps"),
           lambda v: v >= 1)
    seq_ok = all(max(r["connections"] for r in m["seq"]) == 1 and max(r["tls_handshakes"] for r in m["seq"]) == 1
                 for m in rows.values())
    target("one TCP connection and one TLS handshake for N sequential calls (every client)", 1 if seq_ok else 0,
           lambda v: v == 1, "{}")
    target("stripped libauthsignal_terminal.so ≤ 4 MiB (the journal's budget)", extra["size_lib"] / 2**20, lambda v: v <= 4.0,
           "{:.2f}")
    target("cold first call, lib / lean libcurl ≤ 1.5 (C, median of the cold runs above)",
           ratio("c-lib", "c-libcurl", "cold_ms", "cold"), lambda v: v <= 1.5)
    total, overall, best, busiest = extra["headroom"]
    target(f"simulator headroom: 4 {busiest} processes at once vs the fastest single sequential client "
           f"({total:,.0f} vs {best:,.0f} req/s)", total / best, lambda v: v > 1.0)
    w("")
    w(f"- stripped size: libauthsignal_terminal.so {extra['size_lib'] / 2**20:.2f} MiB (TLS included); "
      + (f"libcurl.so.4 {extra['size_curl'] / 2**20:.2f} MiB plus libssl+libcrypto "
         f"{extra['size_curl_tls'] / 2**20:.2f} MiB" if "size_curl" in extra else "libcurl: n/a"))
    w(f"- dlopen (RTLD_NOW), median of 9: libauthsignal_terminal.so {extra['load_lib']:.2f} ms"
      + (f"; libcurl.so.4 {extra['load_curl']:.2f} ms" if "load_curl" in extra else ""))
    w(f"- 4 {busiest} processes at once: {total:,.0f} req/s summed over their timed windows "
      f"({overall:,.0f} req/s over the whole wall time, process starts included)")
    return "\n".join(out)


# ---------------------------------------------------------------- issue 20's figures


def cold_start(sim, clients, runs, problems):
    """Process start to the first create answered, a fresh process each run, with the CA
    file and with the system's roots, interleaved. "System roots": the library with
    use_system_roots (rustls-native-certs, which reads SSL_CERT_FILE when it is set),
    requests with verify=True (REQUESTS_CA_BUNDLE), libcurl with CURLOPT_CAINFO set to the
    same file (Debian's libcurl loads its compiled-in bundle and ignores SSL_CERT_FILE);
    that file is Debian's system bundle with the test CA appended, so every client loads
    and parses the whole system store as it would at a till."""
    names = [c for c in COLD_CLIENTS if c in clients]
    rows = {(c, roots): [] for roots in ("CA file", "system roots") for c in names}
    if not os.path.exists(SYSTEM_BUNDLE):
        check(problems, False, f"cold start: {SYSTEM_BUNDLE} is missing (ca-certificates)")
        return rows
    with tempfile.TemporaryDirectory() as d:
        bundle = os.path.join(d, "system-and-test-ca.pem")
        with open(bundle, "w") as out, open(SYSTEM_BUNDLE) as system, open(sim.ca_file) as test_ca:
            out.write(system.read() + "\n" + test_ca.read())
        system_env = {"BENCH_SYSTEM_ROOTS": "1", "SSL_CERT_FILE": bundle, "REQUESTS_CA_BUNDLE": bundle}
        for _ in range(runs):
            for roots, env in (("CA file", {}), ("system roots", system_env)):
                for c in names:
                    res = measure(sim, c, clients[c], ["cold"], 0, env)
                    check_run(problems, f"cold {c} ({roots})", res, (1, 1))
                    rows[(c, roots)].append(res)
    return rows


def resident(sim, clients, calls, long_calls, problems):
    """Peak RSS (VmHWM) of each client making `calls` calls, and this library's peak and
    final RSS after `long_calls` calls against after `calls`. The C clients run `mem N`:
    the calls and nothing else (`seq` keeps a latency sample per call, 8 bytes each, and
    sorting them takes as much again: 1.5 MiB of growth at 100,000 calls that is the
    driver's, not the client's). The others keep 1,000 samples: noise."""
    out = {"calls": calls, "long_calls": long_calls, "clients": {}}

    def mode(argv, n):
        return ["mem", str(n)] if os.path.dirname(argv[0]) == OUT else ["seq", str(n), "0"]

    for c, argv in clients.items():
        res = measure(sim, c, argv, mode(argv, calls), 0)
        check_run(problems, f"rss {c}", res, (1, 1))
        out["clients"][c] = res
    if "c-lib" in clients:
        res = measure(sim, "c-lib", clients["c-lib"], mode(clients["c-lib"], long_calls), 0)
        check_run(problems, f"rss c-lib {long_calls} calls", res, (1, 1))
        out["long"] = res
    return out


def journal_cost(sim, clients, calls, rounds, smoke, problems):
    """A create with the payment journal on (WAL, synchronous=FULL: the library's own
    setting) against without, interleaved, each run on a fresh journal; both with a new
    reference per call (a journal refuses a second create for a PENDING reference). When
    the journal's create costs over 2x, strace -f -c -w of a journaled run tells where
    the wall time goes (fdatasync/fsync)."""
    if "c-lib" not in clients:
        return {}
    argv = clients["c-lib"]
    base = os.path.join(OUT, "journal")
    os.makedirs(base, exist_ok=True)
    out = {"calls": calls, "off": [], "on": []}
    warm = 5
    for _ in range(rounds):
        for mode in ("off", "on"):
            env = {"BENCH_UNIQUE_REF": "1"}
            d = tempfile.mkdtemp(dir=base) if mode == "on" else None
            if d:
                env["BENCH_JOURNAL"] = d
            try:
                res = measure(sim, "c-lib", argv, ["seq", str(calls), str(warm)], warm, env)
            finally:
                if d:
                    shutil.rmtree(d, ignore_errors=True)
            check_run(problems, f"journal {mode}", res, (1, 1))
            out[mode].append(res)
    per_call = {m: statistics.median(r["wall_s"] / r["calls"] for r in out[m]) for m in ("off", "on")}
    out["ratio"] = per_call["on"] / per_call["off"]
    if not smoke and out["ratio"] > 2 and shutil.which("strace"):
        out["strace"] = strace_journal(sim, argv, base, calls)
    return out


def strace_summary(cmd, env):
    """strace -f -c -w of cmd: {syscall: pct, seconds (wall time in it), calls}, wall s."""
    with tempfile.NamedTemporaryFile(mode="r", suffix=".strace") as summary:
        t0 = time.perf_counter()
        subprocess.run(["strace", "-f", "-c", "-w", "-o", summary.name, *cmd], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - t0
        rows = {}
        for line in summary.read().splitlines():
            parts = line.split()
            if len(parts) >= 5 and re.fullmatch(r"[\d.]+", parts[0]) and parts[-1] != "total":
                rows[parts[-1]] = {"pct": float(parts[0]), "seconds": float(parts[1]), "calls": int(parts[3])}
    return rows, wall


def strace_journal(sim, argv, base, calls):
    """Syscalls of a journaled run of `calls` creates: wall time in each (strace -c -w)."""
    d = tempfile.mkdtemp(dir=base)
    try:
        env = client_env(sim, "c-lib", {"BENCH_UNIQUE_REF": "1", "BENCH_JOURNAL": d})
        rows, wall = strace_summary([*argv, "seq", str(calls), "0"], env)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return {"calls": calls, "wall_s": wall, "syscalls": rows}


def contention(server, clients, n, t):
    """Where a shared client serialises: futex calls per create (a futex syscall is a lock
    or condition that had to wait: an uncontended lock takes none) with t threads, shared
    client against a client per thread against libcurl, strace -f -c -w."""
    out = {}
    if not shutil.which("strace"):
        return out
    for label, c, env in CONCURRENCY:
        if c in clients:
            rows, _ = strace_summary([*clients[c], "threads", str(t), str(n), "1"], client_env(server, c, env))
            futex = rows.get("futex", {"calls": 0, "seconds": 0.0})
            out[label] = {"threads": t, "calls": n + t, "futex": futex["calls"], "futex_s": futex["seconds"]}
    if "c-lib" in clients:
        out["waiters"] = futex_waiters(server, clients["c-lib"], n, t)
    return out


def futex_waiters(server, argv, n, t):
    """Which code of the library's a shared client's threads contend in: strace -f -k of
    the futex calls, each attributed to the first frame in the library that is not the
    standard library's lock itself. {function: futex calls}."""
    with tempfile.NamedTemporaryFile(mode="r", suffix=".strace") as trace:
        subprocess.run(["strace", "-f", "-k", "-e", "trace=futex", "-o", trace.name, *argv, "threads", str(t),
                        str(n), "1"], env=client_env(server, "c-lib"), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        waiters, current = {}, None
        std = ("std::", "<std::", "core::", "<core::", "alloc::", "<alloc::", "parking_lot", "<parking_lot")
        for line in trace:
            if "futex" in line and not line.lstrip().startswith(">"):
                # strace prints one stack per futex call (wait or wake), after the line
                # that completes it; a std mutex makes either only when contended.
                current = "futex"
                continue
            m = re.match(r"^\s*> (\S+)\((.*)\+0x[0-9a-f]+\) \[", line)
            if current and m and m.group(1).endswith("libauthsignal_terminal.so") and not m.group(2).startswith(std):
                fn = re.sub(r"::h[0-9a-f]{16}$", "", m.group(2))
                waiters[fn] = waiters.get(fn, 0) + 1
                current = None
    return {"calls": n + t, "waits": dict(sorted(waiters.items(), key=lambda kv: -kv[1])[:5])}


def concurrency(server, clients, n, rounds, warmup, problems):
    """p50/p99 per call with 1, 4 and 16 threads against nginx: one shared library
    client, a library client per thread, libcurl with a handle per thread."""
    rows = {}
    for _ in range(rounds):
        for t in CONCURRENCY_THREADS:
            for label, c, env in CONCURRENCY:
                if c not in clients:
                    continue
                tw = max(1, warmup // t)
                log(f"nginx concurrency: {label}, {t} threads")
                res = measure(server, c, clients[c], ["threads", str(t), str(n), str(tw)], tw * t, env)
                # A client (handle) per thread: exactly one connection each. The shared client
                # may open more than t: ureq's pool keeps at most 10 idle connections in all
                # (BENCHMARKS.md), so at 16 threads some are dropped on return and reopened;
                # the table shows how many, and only answers and handshakes are checked.
                per_thread = bool(env) or c != "c-lib"
                check_run(problems, f"nginx {label}, {t} threads", res, (t, t) if per_thread else (1, 10**9))
                rows.setdefault((label, t), []).append(res)
    return rows


def render_concurrency(rows, n, rounds):
    if not rows:
        return "concurrency: not run"
    out = [f"Latency under concurrency against nginx: {n} calls per run split over the threads, "
           f"{rounds} interleaved round(s), medians", "",
           "| client | threads | req/s | p50 µs | p99 µs | CPU µs/call | TCP conns |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for key, rs in rows.items():
        if key == "contention":
            continue
        label, t = key
        out.append(f"| {label} | {t} | {med(rs, 'rps'):,.0f} | {med(rs, 'p50_us'):,.0f} | "
                   f"{med(rs, 'p99_us'):,.0f} | {med(rs, 'cpu_us_per_call'):,.1f} | "
                   f"{max(r['connections'] for r in rs)} |")
    shared, own, curl = (x[0] for x in CONCURRENCY)
    out += ["", "| ratio (no target) | " + " | ".join(f"{t} threads" for t in CONCURRENCY_THREADS) + " |",
            "|---|" + "---:|" * len(CONCURRENCY_THREADS)]
    for name, a, b, key in (("p50, shared / per-thread client", shared, own, "p50_us"),
                            ("p99, shared / per-thread client", shared, own, "p99_us"),
                            ("p50, shared client / libcurl per thread", shared, curl, "p50_us"),
                            ("p99, shared client / libcurl per thread", shared, curl, "p99_us"),
                            ("p99, per-thread client / libcurl per thread", own, curl, "p99_us")):
        cells = []
        for t in CONCURRENCY_THREADS:
            if (a, t) in rows and (b, t) in rows:
                cells.append(f"{med(rows[(a, t)], key) / med(rows[(b, t)], key):.2f}")
            else:
                cells.append("n/a")
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    cont = rows.get("contention")
    if cont:
        t = CONCURRENCY_THREADS[-1]
        out += ["", f"Waiting on locks with {t} threads (strace -f -c -w of one run of {n} calls; a futex "
                "syscall is a lock, condition or join that had to wait; thread start and join included):", "",
                "| client | futex calls per call | µs in futex per call (summed over threads) |", "|---|---:|---:|"]
        for label, r in cont.items():
            if label != "waiters":
                out.append(f"| {label} | {r['futex'] / r['calls']:.2f} | {r['futex_s'] / r['calls'] * 1e6:,.0f} |")
        w = cont.get("waiters")
        if w and w["waits"]:
            out += ["", f"Where the shared client's threads contend ({t} threads, strace -f -k of the futex calls, "
                    "waits and wakes, each counted at the first frame in the library that is not the standard "
                    "lock):", "", "| function | futex calls per call |", "|---|---:|"]
            for fn, k in w["waits"].items():
                out.append(f"| `{fn}` | {k / w['calls']:.2f} |")
    return "\n".join(out)


def render_cold(rows, runs, smoke):
    if not rows:
        return "cold start: not run"
    out = [f"Cold start against the simulator: process start (just before exec) to the first create "
           f"answered, a fresh process each run, median of {runs} run(s) per cell, interleaved", "",
           "| client | CA file: ms | system roots: ms | peak RSS MiB (CA file) | peak RSS MiB (system roots) |",
           "|---|---:|---:|---:|---:|"]
    names = list(dict.fromkeys(c for c, _ in rows))
    for c in names:
        a, b = rows[(c, "CA file")], rows[(c, "system roots")]
        out.append(f"| {c} | {med(a, 'cold_ms'):,.1f} | {med(b, 'cold_ms'):,.1f} | "
                   f"{med(a, 'maxrss_kb') / 1024:,.1f} | {med(b, 'maxrss_kb') / 1024:,.1f} |")
    if smoke or "c-lib" not in names or "c-libcurl" not in names:
        return "\n".join(out)
    out += ["", "| target (cold start) | measured | met |", "|---|---|---|"]
    for roots in ("CA file", "system roots"):
        v = med(rows[("c-lib", roots)], "cold_ms") / med(rows[("c-libcurl", roots)], "cold_ms")
        out.append(f"| cold first create ({roots}), lib / lean libcurl ≤ 1.0 | {v:.2f} | {'yes' if v <= 1.0 else 'NO'} |")
    if "python-requests" in names:
        for roots in ("CA file", "system roots"):
            v = med(rows[("c-lib", roots)], "cold_ms") / med(rows[("python-requests", roots)], "cold_ms")
            out.append(f"| (no target) cold first create ({roots}), lib / requests | {v:.2f} | – |")
    return "\n".join(out)


def render_rss(rss, smoke):
    if not rss or not rss.get("clients"):
        return "resident memory: not run"
    calls, long_calls = rss["calls"], rss["long_calls"]
    out = [f"Resident memory against the simulator: one process per client making {calls:,} sequential calls "
           "(no warm-up)", "", f"| client | peak RSS MiB, {calls:,} calls |", "|---|---:|"]
    for c, r in rss["clients"].items():
        out.append(f"| {c} | {r['maxrss_kb'] / 1024:,.1f} |")
    long = rss.get("long")
    short = rss["clients"].get("c-lib")
    if long and short:
        peak = long["maxrss_kb"] / short["maxrss_kb"]
        end = long["rss_kb"] / short["rss_kb"]
        out += ["", "| this library (c-lib) | after " + f"{calls:,} calls | after {long_calls:,} calls | ratio |",
                "|---|---:|---:|---:|",
                f"| peak RSS (VmHWM) MiB | {short['maxrss_kb'] / 1024:,.2f} | {long['maxrss_kb'] / 1024:,.2f} | {peak:.3f} |",
                f"| RSS at the end (VmRSS) MiB | {short['rss_kb'] / 1024:,.2f} | {long['rss_kb'] / 1024:,.2f} | {end:.3f} |"]
        if not smoke:
            out += ["", "| target (memory) | measured | met |", "|---|---|---|",
                    f"| peak RSS after {long_calls:,} calls / after {calls:,} ≤ 1.05 (no growth beyond noise) "
                    f"| {peak:.3f} | {'yes' if peak <= 1.05 else 'NO'} |"]
    return "\n".join(out)


def render_journal(j, smoke):
    if not j:
        return "journal: not run"
    out = [f"The payment journal's cost against the simulator: {j['calls']} creates per run (a new reference "
           f"each), journal off and on (WAL, synchronous=FULL, a fresh journal per run on "
           f"{os.path.relpath(os.path.join(OUT, 'journal'), ROOT)}), interleaved, medians", "",
           "| journal | µs per create (wall) | p50 µs | p99 µs | CPU µs/call |", "|---|---:|---:|---:|---:|"]
    for mode in ("off", "on"):
        rs = j[mode]
        out.append(f"| {mode} | {statistics.median(r['wall_s'] / r['calls'] for r in rs) * 1e6:,.0f} | "
                   f"{med(rs, 'p50_us'):,.0f} | {med(rs, 'p99_us'):,.0f} | {med(rs, 'cpu_us_per_call'):,.1f} |")
    out += ["", f"journal on / off, wall time per create: {j['ratio']:.2f}×"]
    st = j.get("strace")
    if st:
        calls = st["calls"]
        out += ["", f"Where a journaled create's time goes (strace -f -c -w, {calls} creates, wall time in "
                f"syscalls, top 6; the run took {st['wall_s'] * 1e3:,.0f} ms under strace):", "",
                "| syscall | calls per create | µs per create | share of syscall time |", "|---|---:|---:|---:|"]
        top = sorted(st["syscalls"].items(), key=lambda kv: -kv[1]["seconds"])[:6]
        for name, r in top:
            out.append(f"| {name} | {r['calls'] / calls:.2f} | {r['seconds'] / calls * 1e6:,.0f} | {r['pct']:.1f}% |")
    return "\n".join(out)


# ---------------------------------------------------------------- --profile


def annotate_inclusive(path):
    """{function [object]: inclusive Ir} from callgrind_annotate --inclusive=yes."""
    text = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", path],
                          capture_output=True, text=True, check=True).stdout
    costs = {}
    for line in text.splitlines():
        m = re.match(r"^\s*([\d,]+)\s+(?:\([\d.]+%\)\s+)?(\S.*?)\s*$", line)
        if not m or m.group(2) == "PROGRAM TOTALS" or ":" not in m.group(2):
            continue
        name = m.group(2)
        costs[name] = costs.get(name, 0) + int(m.group(1).replace(",", ""))
    return costs


def short_name(name):
    """'file:function [/path/obj.so]' -> ('function', 'obj.so'), Rust hashes dropped."""
    obj = ""
    m = re.match(r"^(.*?)\s+\[(.*)\]$", name)
    if m:
        name, obj = m.group(1), os.path.basename(m.group(2))
    name = name.split(":", 1)[1] if ":" in name and not name.startswith("<") else name
    name = re.sub(r"::h[0-9a-f]{16}", "", name)
    if len(name) > 110:
        name = name[:107] + "..."
    return name.replace("|", "\\|"), obj


def profile(server_kind, n, top):
    """The top functions by inclusive instructions per call of bench_lib's create:
    callgrind of n and 2n calls, callgrind_annotate --inclusive=yes of each, difference
    / n. The driver's own frames (the bench program, below main) are left out."""
    os.makedirs(OUT, exist_ok=True)
    c = os.path.join(ROOT, "benches", "c")
    exe = os.path.join(OUT, "bench_lib")
    run(["gcc", *CFLAGS, os.path.join(c, "bench_lib.c"), "-L" + REL, "-lauthsignal_terminal",
         "-Wl,-rpath," + REL, "-pthread", "-o", exe])
    server = Nginx() if server_kind == "nginx" else Simulator()
    costs, totals = [], []
    try:
        with tempfile.TemporaryDirectory() as d:
            for calls in (n, 2 * n):
                out = os.path.join(d, f"cg.{calls}")
                log(f"callgrind: {calls} calls against {server_kind}")
                subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, exe, "seq",
                                str(calls), "1"], env=client_env(server, "c-lib"), check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                with open(out) as f:
                    totals.append(next(int(line.split()[1]) for line in f if line.startswith("summary:")))
                costs.append(annotate_inclusive(out))
    finally:
        final = server.stop()
    per_call = (totals[1] - totals[0]) / n
    diff = {}
    for name, v in costs[1].items():
        fn, obj = short_name(name)
        if (obj == "bench_lib" or "below main" in fn or fn.startswith(("_start", "__libc_start"))
                or re.fullmatch(r"0x[0-9a-f]+", fn)):
            continue  # the driver and process start-up: every call's caller, not its cost
        diff[(fn, obj)] = (v - costs[0].get(name, 0)) / n
    rows = sorted(diff.items(), key=lambda kv: -kv[1])[:top]
    print(f"Top {top} functions by inclusive instructions per create (bench_lib, _minor path, against "
          f"{'nginx' if server_kind == 'nginx' else 'the simulator'}; callgrind of {n} and {2 * n} calls, "
          f"difference / {n}): {per_call:,.0f} instructions per call in all")
    print()
    print("| # | function | object | Ir per call (inclusive) | share of the call |")
    print("|---:|---|---|---:|---:|")
    for i, ((fn, obj), v) in enumerate(rows, 1):
        print(f"| {i} | `{fn}` | {obj} | {v:,.0f} | {v / per_call:.0%} |")
    log(final)


if __name__ == "__main__":
    main()
