#!/usr/bin/env python3
"""The benchmark: this library against libcurl (C), requests/httpx (Python) and
HttpClient (C# on Mono), all against one simulator over HTTPS on loopback, in one run;
then the C clients again against a plain nginx over TLS 1.3 on loopback (a server no
one here wrote, with a fixed JSON answer and a CA and certificate this script makes).

    benches/run.py [--smoke] [--calls N] [--rounds R] [--json PATH]

`make bench` runs it in full; `make bench-smoke` runs a few calls per client and checks
only correctness and the simulator's connection and TLS handshake counts (no timings are
asserted). Assumes `make build`; builds the C clients itself, and the C# client when
target/csharp/Authsignal.Terminal.dll exists. A client whose language or wrapper is
missing is reported as skipped.

Per client: N sequential creates on one kept-alive connection after a warm-up, the same
split over 4 threads, and the cold first call (process start to first answer). Per
figure the median over R interleaved rounds. Plus callgrind instructions per call (this
library's create by the double and the _minor path, and libcurl: callgrind of N and 2N
calls in one process each, difference / N), the stripped library's size, dlopen time,
and the simulator's headroom (several client processes at once). Against nginx:
sequential runs and callgrind of the same three C clients; nginx's access log gives the
connections, requests and TLS version seen. The terminal id is never printed.
"""

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
NGINX_CLIENTS = ["c-lib", "c-lib-double", "c-libcurl"]
NGINX = "/usr/sbin/nginx"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


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
    except subprocess.CalledProcessError:
        log("skip c-libcurl: libcurl4-openssl-dev is not installed (apt-get install libcurl4-openssl-dev)")

    py = [sys.executable, os.path.join(ROOT, "benches", "python", "bench.py")]
    if python_wrapper_works():
        clients["python-lib"] = py + ["lib"]
    else:
        log("skip python-lib: bindings/python does not import with this build")
    for mod, label in (("requests", "python-requests"), ("httpx", "python-httpx")):
        if subprocess.run([sys.executable, "-c", f"import {mod}"], capture_output=True).returncode == 0:
            clients[label] = py + [mod]
        else:
            log(f"skip {label}: pip install {mod}")

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
        final = self.stats()
        shutil.rmtree(self.dir, ignore_errors=True)
        return "nginx access log: " + json.dumps(final)


def client_env(sim, client=None):
    env = {k: v for k, v in os.environ.items() if k not in CA_ENV}
    env.update(CLIENT_ENV.get(client, {}))
    env.update(BENCH_BASE_URL=sim.base_url, BENCH_CA_FILE=sim.ca_file, BENCH_TERMINAL_ID=TERMINAL_ID,
               PYTHONPATH=os.path.join(ROOT, "bindings", "python", "src"),
               AUTHSIGNAL_TERMINAL_LIBRARY=LIB, LD_LIBRARY_PATH=REL)
    return env


def measure(sim, client, argv, args, warmup_requests):
    """Runs one client once; returns its JSON plus what the server saw of it."""
    before = sim.stats()
    spawned = time.time_ns()
    p = subprocess.run(argv + args, env=client_env(sim, client), capture_output=True, text=True,
                       timeout=600)
    after = sim.stats()
    if p.returncode != 0 or not p.stdout.strip():
        raise RuntimeError(f"{' '.join(os.path.basename(a) for a in argv + args)} failed "
                           f"(exit {p.returncode}): {p.stderr.strip()[-400:]}")
    result = json.loads(p.stdout.strip().splitlines()[-1])
    # The simulator's probe of `after` opened one connection with one handshake;
    # `before`'s was already counted in `before`. Reading nginx's log opens none.
    result["connections"] = after["connections"] - before["connections"] - sim.probe
    result["tls_handshakes"] = after["tls_handshakes"] - before["tls_handshakes"] - sim.probe
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
    a = ap.parse_args()
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
                    if res["failed"] or res["requests"] != res["expected_requests"]:
                        problems.append(f"{c} {mode}: {res['failed']} failed calls, simulator saw "
                                        f"{res['requests']} requests for {res['expected_requests']}")
                    if mode in ("seq", "cold") and (res["connections"], res["tls_handshakes"]) != (1, 1):
                        problems.append(f"{c} {mode}: {res['connections']} connections and "
                                        f"{res['tls_handshakes']} TLS handshakes, not 1 and 1")
                    if mode == "threads" and not 1 <= res["connections"] <= THREADS:
                        problems.append(f"{c} threads: {res['connections']} connections for {THREADS} threads")

        extra = {}
        if not a.smoke:
            log("callgrind")
            for c, key in (("c-lib", "ir_lib"), ("c-lib-double", "ir_lib_double"), ("c-libcurl", "ir_curl")):
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

    nginx_rows, nginx_extra, nginx_final = run_nginx(clients, n, rounds, warmup, a.smoke, problems)

    report = render(rows, extra, n, rounds, warmup, cold_runs, a.smoke, final)
    report += "\n\n" + render_nginx(nginx_rows, nginx_extra, n, rounds, warmup, a.smoke, nginx_final)
    print(report)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"rows": rows, "extra": extra, "nginx_rows": nginx_rows, "nginx_extra": nginx_extra},
                      f, indent=1, default=str)
    if problems:
        print("\nPROBLEMS:\n" + "\n".join("- " + p for p in problems))
        sys.exit(1)
    print("\nbench: every client answered correctly; one connection and one TLS handshake per sequential client"
          + ("; against nginx too, over TLS 1.3" if nginx_rows else ""))


def run_nginx(clients, n, rounds, warmup, smoke, problems):
    """The C clients against nginx: sequential runs (interleaved rounds, as above) and,
    unless smoke, callgrind instructions per call. Checks answers, requests, one
    connection per run and TLS 1.3 from nginx's own log."""
    names = [c for c in NGINX_CLIENTS if c in clients]
    if not os.path.exists(NGINX):
        problems.append("nginx: /usr/sbin/nginx is missing (scripts/install-deps.sh bench installs nginx-light)")
        return {}, {}, "nginx: not run"
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
                if res["failed"] or res["requests"] != res["expected_requests"]:
                    problems.append(f"nginx {c}: {res['failed']} failed calls, nginx logged "
                                    f"{res['requests']} requests for {res['expected_requests']}")
                if (res["connections"], res["tls_handshakes"]) != (1, 1):
                    problems.append(f"nginx {c}: {res['connections']} connections, "
                                    f"{res['tls_handshakes']} over TLS 1.3, not 1 and 1")
        if not smoke:
            log("nginx callgrind")
            for c in names:
                extra[c] = callgrind_per_call(server, c, clients[c], 500)
    finally:
        final = server.stop()
    return rows, extra, final


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
            w(f"| C instructions per call, lib ({path} path) / libcurl ≤ 0.5 ({extra[c]:,.0f} / {curl:,.0f}) "
              f"| {v:.2f} | {'yes' if v <= 0.5 else 'NO'} |")
    if "c-lib" in rows:
        v = med(rows["c-lib"], "rps") / med(rows["c-libcurl"], "rps")
        w(f"| C sequential req/s, lib / libcurl ≥ 1.0 | {v:.2f} | {'yes' if v >= 1.0 else 'NO'} |")
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

    target("C sequential req/s, lib / libcurl ≥ 1.0", ratio("c-lib", "c-libcurl", "rps"), lambda v: v >= 1.0)
    for key, path in (("ir_lib", "_minor"), ("ir_lib_double", "double")):
        ir = (extra[key] / extra["ir_curl"]) if key in extra and "ir_curl" in extra else None
        target(f"C instructions per call, lib ({path} path) / libcurl ≤ 0.5 ({extra.get(key, 0):,.0f} / "
               f"{extra.get('ir_curl', 0):,.0f})", ir, lambda v: v <= 0.5)
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
    target("cold first call, lib / libcurl ≤ 1.5 (C)", ratio("c-lib", "c-libcurl", "cold_ms", "cold"),
           lambda v: v <= 1.5)
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


if __name__ == "__main__":
    main()
