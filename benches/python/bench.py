"""The Python benchmark clients: this library through its wrapper (``lib``), and
``requests.Session`` and ``httpx.Client`` sending the same request.

    python3 bench.py CLIENT seq N WARMUP | CLIENT threads T N WARMUP | CLIENT cold

CLIENT is lib, requests or httpx. Reads BENCH_BASE_URL, BENCH_CA_FILE and
BENCH_TERMINAL_ID (never printed); with BENCH_SYSTEM_ROOTS=1 no CA file is given and the
client trusts the system's roots (lib: use_system_roots, which honours SSL_CERT_FILE;
requests: verify=True, which honours REQUESTS_CA_BUNDLE). Prints one JSON line like the C clients
(benches/c/bench_common.h). Exits 1 when a call failed, 3 when the client is not
installed.
"""

import json
import os
import resource
import sys
import threading
import time

BODY = b'{"amount":12.5,"currency":"USD","reference":"bench"}'
VERSION = "0.1.0"


def cpu_us():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return (ru.ru_utime + ru.ru_stime) * 1e6


def maxrss_kb():
    # VmHWM, which exec resets (ru_maxrss keeps the starting process's high-water mark).
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def headers(terminal_id):
    return {
        "x-authsignal-terminal": terminal_id,
        "X-Authsignal-Version": VERSION,
        "content-type": "application/json",
        "accept": "application/json",
        "user-agent": f"authsignal-terminal/{VERSION} (linux; x86_64)",
    }


def make_client(name, base_url, ca_file, terminal_id):
    """Returns (new_handle() for a thread, call(handle) -> bool, close())."""
    if name == "lib":
        from decimal import Decimal

        import authsignal_terminal as at

        if ca_file is None:
            client = at.Client(base_url=base_url, use_system_roots=True)
        else:
            client = at.Client(base_url=base_url, ca_file=ca_file)
        amount = Decimal("12.5")

        def call(_handle):
            s = client.create_payment_session(terminal_id, amount, "USD", "bench")
            return s.status is at.PaymentStatus.PENDING and bool(s.challenge_id)

        return (lambda: None), call, client.close
    url = base_url + "/terminal/payment-session"
    hdrs = headers(terminal_id)
    verify = ca_file if ca_file is not None else True
    if name == "requests":
        import requests

        def new_handle():
            # A Session per thread: requests does not promise a shared one is thread-safe.
            s = requests.Session()
            s.verify = verify
            s.headers.update(hdrs)
            return s

        def call(s):
            # verify per request too: requests lets REQUESTS_CA_BUNDLE override Session.verify.
            r = s.post(url, data=BODY, timeout=(5, 10), allow_redirects=False, verify=verify)
            d = r.json()
            return r.status_code == 200 and bool(d.get("challengeId")) and d.get("status") == "PENDING"

        return new_handle, call, (lambda: None)
    if name == "httpx":
        import httpx

        # One client for every thread: httpx.Client is thread-safe and pools connections.
        client = httpx.Client(verify=verify, headers=hdrs, timeout=httpx.Timeout(10, connect=5),
                              follow_redirects=False)

        def call(_handle):
            r = client.post(url, content=BODY)
            d = r.json()
            return r.status_code == 200 and bool(d.get("challengeId")) and d.get("status") == "PENDING"

        return (lambda: None), call, client.close
    raise SystemExit(f"unknown client {name}")


_shown = []


def checked(call, handle):
    try:
        return call(handle)
    except Exception as e:  # a failed call is counted; the first one's kind is shown
        if not _shown:
            _shown.append(e)
            print(f"call failed: {type(e).__name__}: {str(e)[:300]}", file=sys.stderr)
        return False


def percentile(sorted_values, q):
    i = min(len(sorted_values) - 1, int(len(sorted_values) * q))
    return sorted_values[i]


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        raise SystemExit(__doc__)
    name, mode = args[0], args[1]
    base_url = os.environ["BENCH_BASE_URL"]
    system_roots = os.environ.get("BENCH_SYSTEM_ROOTS") == "1"
    ca_file = None if system_roots else os.environ["BENCH_CA_FILE"]
    terminal_id = os.environ["BENCH_TERMINAL_ID"]
    label = {"lib": "python-lib", "requests": "python-requests", "httpx": "python-httpx"}[name]
    try:
        new_handle, call, close = make_client(name, base_url, ca_file, terminal_id)
    except ImportError as e:
        print(f"{label}: not installed ({e})", file=sys.stderr)
        sys.exit(3)

    if mode == "cold":
        ok = checked(call, new_handle())
        at = time.time_ns()
        print(json.dumps({"client": label, "mode": "cold", "calls": 1, "failed": int(not ok),
                          "first_answer_ns": at, "maxrss_kb": maxrss_kb()}), flush=True)
        close()
        sys.exit(0 if ok else 1)

    if mode == "seq" and len(args) == 4:
        threads, calls, warmup = 1, int(args[2]), int(args[3])
    elif mode == "threads" and len(args) == 5:
        threads, calls, warmup = int(args[2]), int(args[3]), int(args[4])
    else:
        raise SystemExit(__doc__)

    lat = []
    failed = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(threads + 1)

    def work(n, handle, mine):
        for _ in range(n):
            t0 = time.perf_counter_ns()
            ok = checked(call, handle)
            mine.append(time.perf_counter_ns() - t0)
            if not ok:
                with lock:
                    failed[0] += 1

    def worker(n):
        handle = new_handle()
        mine = []
        for _ in range(warmup):
            if not checked(call, handle):
                with lock:
                    failed[0] += 1
        barrier.wait()
        barrier.wait()
        work(n, handle, mine)
        with lock:
            lat.extend(mine)

    if threads == 1:
        handle = new_handle()
        for _ in range(warmup):
            if not checked(call, handle):
                failed[0] += 1
        c0, t0 = cpu_us(), time.perf_counter_ns()
        work(calls, handle, lat)
        wall = time.perf_counter_ns() - t0
        cpu = cpu_us() - c0
    else:
        ts = [threading.Thread(target=worker, args=(calls // threads + (i < calls % threads),))
              for i in range(threads)]
        for t in ts:
            t.start()
        barrier.wait()
        c0, t0 = cpu_us(), time.perf_counter_ns()
        barrier.wait()
        for t in ts:
            t.join()
        wall = time.perf_counter_ns() - t0
        cpu = cpu_us() - c0
    lat.sort()
    print(json.dumps({
        "client": label, "mode": mode, "threads": threads, "calls": calls, "failed": failed[0],
        "wall_s": wall / 1e9, "rps": calls / (wall / 1e9),
        "p50_us": percentile(lat, 0.5) / 1e3, "p99_us": percentile(lat, 0.99) / 1e3,
        "cpu_us_per_call": cpu / calls, "maxrss_kb": maxrss_kb(),
    }), flush=True)
    close()
    sys.exit(1 if failed[0] else 0)


if __name__ == "__main__":
    main()
