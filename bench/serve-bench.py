#!/usr/bin/env python3
"""Load test for `c3d serve`: requests/s and latency percentiles at several client counts, server memory before/after.

  python3 bench/serve-bench.py URL VIDEO SERVER_PID [--clients 1,4,16] [--requests 40] [--memory-requests 500]

Each client posts VIDEO in a loop (bounded: --requests per level in all); the server's --queue must hold the clients
(a 503 is counted and reported, not retried). Memory is VmRSS of SERVER_PID before and after --memory-requests more.
"""
import argparse, statistics, threading, time, urllib.request, uuid


def post(url, video, name):
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"video\"; filename=\"{name}\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + video + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(url + "/v1/recognize", data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        status = e.code
    return status, time.perf_counter() - start


def run(url, video, clients, total):
    lock, latencies, statuses, left = threading.Lock(), [], [], [total]

    def client():
        while True:
            with lock:
                if left[0] == 0: return
                left[0] -= 1
            status, seconds = post(url, video, "bench.avi")
            with lock:
                statuses.append(status)
                if status == 200: latencies.append(seconds)

    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads: t.start()
    for t in threads: t.join()
    wall = time.perf_counter() - start
    return wall, sorted(latencies), statuses


def pct(values, p):
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def rss_mib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"): return int(line.split()[1]) / 1024
    return float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url"); ap.add_argument("video"); ap.add_argument("pid", type=int)
    ap.add_argument("--clients", default="1,4,16"); ap.add_argument("--requests", type=int, default=40)
    ap.add_argument("--memory-requests", type=int, default=500)
    a = ap.parse_args()
    video = open(a.video, "rb").read()
    run(a.url, video, 1, 3)  # warm-up
    print(f"video {a.video} ({len(video)} bytes)")
    for c in [int(x) for x in a.clients.split(",")]:
        wall, lat, statuses = run(a.url, video, c, a.requests)
        ok = statuses.count(200)
        print(f"clients {c:2d}: {ok}/{len(statuses)} ok ({len(statuses) - ok} refused), {ok / wall:.2f} req/s, latency p50 {pct(lat, 50) * 1000:.0f} ms, "
              f"p90 {pct(lat, 90) * 1000:.0f} ms, p99 {pct(lat, 99) * 1000:.0f} ms, max {lat[-1] * 1000 if lat else float('nan'):.0f} ms")
    before = rss_mib(a.pid)
    wall, lat, statuses = run(a.url, video, 4, a.memory_requests)
    after = rss_mib(a.pid)
    print(f"memory: VmRSS {before:.0f} MiB before, {after:.0f} MiB after {len(statuses)} more requests ({statuses.count(200)} ok, {wall:.0f} s)")


if __name__ == "__main__":
    main()
