"""Collection speed against moto: wall time and API calls for 1, 4 and 17
regions with 10 and 1,000 metric filters.

For each case a fresh moto account is seeded (`seed.py --scenario empty
--extra-filters N`, the filters in the first region), then `cis-filters collect`
runs and its summary line on stderr gives the number of calls, the wall time
and the sum of all call times. The sum is what the calls would take one after
another; the wall time shows how much of it ran concurrently. Seeding time is
not measured. Prints a Markdown table; asserts nothing.

Usage: python3 tests/e2e/speed.py [--binary target/debug/cis-filters] [--endpoint URL]
Without --endpoint (or AWS_ENDPOINT_URL) it starts its own moto server.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

REGIONS = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2",
    "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1",
    "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2",
    "ca-central-1", "sa-east-1",
]
SUMMARY = re.compile(
    r"in (\d+) regions?: (\d+) calls \((\d+) answered with an error\) in ([\d.]+) s; "
    r"sum of call times ([\d.]+) s"
)


def start_moto():
    proc = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "moto_server.py")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    port = int(proc.stdout.readline())
    return proc, f"http://127.0.0.1:{port}"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--binary", default=os.path.join(ROOT, "target", "debug", "cis-filters"))
    p.add_argument("--endpoint", default=os.environ.get("AWS_ENDPOINT_URL"))
    p.add_argument("--max-in-flight", default="16")
    a = p.parse_args()
    moto = None
    if not a.endpoint:
        moto, a.endpoint = start_moto()
    rows = []
    base = 700_000_000_000 + (os.getpid() % 10_000) * 100
    try:
        for n_regions in (1, 4, 17):
            for n_filters in (10, 1000):
                account = str(base + len(rows))
                regions = ",".join(REGIONS[:n_regions])
                seeded = subprocess.run(
                    [sys.executable, os.path.join(HERE, "seed.py"), "--endpoint", a.endpoint,
                     "--account", account, "--scenario", "empty", "--regions", regions,
                     "--extra-filters", str(n_filters)],
                    check=True, capture_output=True, text=True,
                )
                keys = json.loads(seeded.stdout)
                env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
                env.update(
                    AWS_ACCESS_KEY_ID=keys["access_key_id"],
                    AWS_SECRET_ACCESS_KEY=keys["secret_access_key"],
                    AWS_ENDPOINT_URL=a.endpoint,
                    AWS_EC2_METADATA_DISABLED="true",
                    AWS_REGION="us-east-1",
                    AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
                )
                started = time.monotonic()
                run = subprocess.run(
                    [a.binary, "collect", "--regions", regions, "--max-in-flight", a.max_in_flight,
                     "-o", os.devnull],
                    env=env, capture_output=True, text=True,
                )
                outer = time.monotonic() - started
                m = SUMMARY.search(run.stderr)
                if run.returncode != 0 or not m:
                    sys.exit(f"collect failed ({run.returncode}):\n{run.stderr}")
                _, calls, errors, wall, total = m.groups()
                rows.append((n_regions, n_filters, int(calls), int(errors), float(wall),
                             float(total), outer))
                print(f"{n_regions} regions, {n_filters} filters: {calls} calls in {wall} s",
                      file=sys.stderr)
    finally:
        if moto:
            moto.stdin.close()
            moto.wait(timeout=30)
    print(f"| regions | metric filters | API calls | calls answered with an error | wall time (s) "
          f"| sum of call times (s) | overlap (sum / wall) | process time (s) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r, f, calls, errors, wall, total, outer in rows:
        print(f"| {r} | {f} | {calls} | {errors} | {wall:.2f} | {total:.2f} | "
              f"{total / wall if wall else 0:.1f}x | {outer:.2f} |")


if __name__ == "__main__":
    main()
