#!/usr/bin/env bash
# Startup/shutdown/memory benchmark of TradingApi, as the manager runs it.
# Usage: src/TradingApi/bench/startup.sh [runs=10] [modules=core,broker]
# Builds Release, then for each run: start `dotnet TradingApi.dll` on a free port, time process
# start -> first 200 on core/health, idle 1 s, read VmRSS, send SIGTERM, time until exit.
set -euo pipefail
runs="${1:-10}"
modules="${2:-core,broker}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
dll="${TRADINGAPI_DLL:-$root/src/TradingApi/bin/Release/net10.0/TradingApi.dll}"
command -v python3 >/dev/null || { echo "startup.sh needs python3 (for precise timing)" >&2; exit 1; }
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  dotnet build "$root/src/TradingApi" -c Release -nologo -v q >/dev/null
fi
python3 - "$dll" "$runs" "$modules" <<'PY'
import http.client, os, signal, socket, statistics, subprocess, sys, time

dll, runs, modules = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def healthy(port):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        c.request("GET", "/api/v1/core/health")
        ok = c.getresponse().status == 200
        c.close()
        return ok
    except OSError:
        return False

def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")

start_s, exit_s, rss = [], [], []
for i in range(runs):
    port = free_port()
    env = dict(os.environ, ENABLED_MODULES=modules, INSTANCE_NAME=f"bench-{i}",
               ASPNETCORE_URLS=f"http://127.0.0.1:{port}")
    t0 = time.monotonic()
    p = subprocess.Popen(["dotnet", dll], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not healthy(port):
            if p.poll() is not None:
                sys.exit(f"run {i}: exited with {p.returncode} before healthy")
            if time.monotonic() - t0 > 15:
                sys.exit(f"run {i}: not healthy after 15 s")
            time.sleep(0.005)
        start_s.append(time.monotonic() - t0)
        time.sleep(1.0)
        rss.append(rss_mb(p.pid))
        t1 = time.monotonic()
        p.send_signal(signal.SIGTERM)
        code = p.wait(timeout=10)
        exit_s.append(time.monotonic() - t1)
        if code != 0:
            sys.exit(f"run {i}: exit code {code} after SIGTERM")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()

def row(name, xs, unit, scale):
    v = [x * scale for x in xs]
    print(f"| {name:<34} | {statistics.median(v):>8.1f} | {min(v):>8.1f} | {max(v):>8.1f} | {unit} |")

print(f"TradingApi, {runs} runs, ENABLED_MODULES={modules}")
print(f"| {'measure':<34} | {'median':>8} | {'min':>8} | {'max':>8} | unit |")
print(f"|{'-'*36}|{'-'*10}|{'-'*10}|{'-'*10}|------|")
row("process start -> first 200 health", start_s, "ms", 1000)
row("SIGTERM -> exit (code 0)", exit_s, "ms", 1000)
row("idle RSS after 1 s (VmRSS)", rss, "MB", 1)
PY
