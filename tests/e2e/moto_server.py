"""Run moto's server on 127.0.0.1 for the end-to-end tests, for as long as stdin is open.

Prints the port it listens on (one line) once the server accepts requests, then
waits for end of file on stdin and stops. The test harness keeps the write end
of that pipe; when the test process ends, however it ends, the pipe closes and
the server goes away with it.

Usage: python3 tests/e2e/moto_server.py [PORT]   (PORT 0 or absent: any free port)
"""

import os
import sys

os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

from moto.server import ThreadedMotoServer  # noqa: E402


def main() -> int:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    _, bound = server.get_host_and_port()
    print(bound, flush=True)
    try:
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
