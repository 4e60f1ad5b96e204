"""A class opening the same module at once on one hub: how long until every trainee can answer, and what each costs.

``make bench`` (as root on Linux; ``python deploy/bench_hub.py --trainees N`` alone) starts
``deploy/localhub.py``'s hub on this machine (Unix accounts, PostgreSQL, configurable-http-proxy,
``deploy/jupyterhub_config.py``) with one instructor, who releases m00, and N trainees.  Then, as a class
does at the start of a session, every trainee at once: their server is asked for, they fetch m00 from the
Assignment List's API, open the notebook (a session and its kernel) and run its first code cell (the course's
setup: the course package, the trainee's language, the styles), which is what stands between opening a module
and answering its first exercise.

Written to ``build/bench/hub.json`` and ``hub.txt``: seconds until every server is ready and until every
trainee's setup cell has run, each trainee's own wait (p50, p95, max), and the memory of each trainee's
processes once idle (server and kernel, proportional set size: shared libraries counted once across
trainees, so the figure adds up over a cohort), from which the table says how many trainees fit in a
machine's memory.  Nothing is asserted: a benchmark reports (tests/deploy/test_bench_hub.py runs a tiny one).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from grading.bench.report import write_report

REPO = Path(__file__).resolve().parents[1]
MODULE = "m00-orientation"


def _localhub():
    spec = importlib.util.spec_from_file_location("himaya_localhub", REPO / "deploy" / "localhub.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


class Trainee:
    """One hub user, through their own server with a token the hub issued to them."""

    def __init__(self, hub, name: str):
        import requests

        self.hub, self.name = hub, name
        self.token = hub.api("POST", f"/users/{name}/tokens", json={"note": "bench", "expires_in": 3600})["token"]
        self.base = f"{hub.url}/user/{name}"
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"token {self.token}"

    def request(self, method: str, path: str, **kwargs):
        response = self.http.request(method, f"{self.base}{path}", timeout=600, **kwargs)
        if not response.ok:
            raise RuntimeError(f"{self.name}: {method} {path} → {response.status_code} {response.text[:500]}")
        return response

    def execute(self, kernel_id: str, code: str, timeout: float = 600) -> None:
        """Run ``code`` in the kernel over its websocket (Jupyter's messaging protocol), until it is idle again."""
        import websocket

        session = uuid.uuid4().hex
        url = self.base.replace("http://", "ws://", 1) + f"/api/kernels/{kernel_id}/channels?session_id={session}"
        ws = websocket.create_connection(url, header=[f"Authorization: token {self.token}"], timeout=timeout)
        try:
            msg_id = uuid.uuid4().hex
            ws.send(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": session,
                           "username": self.name, "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                            "allow_stdin": False, "stop_on_error": True}}))
            replied = idle = False
            error = None
            while not (replied and idle):
                msg = json.loads(ws.recv())
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind, content = msg["msg_type"], msg["content"]
                if kind == "error":
                    error = f"{content['ename']}: {content['evalue']}"
                replied |= kind == "execute_reply"
                idle |= kind == "status" and content.get("execution_state") == "idle"
            if error:
                raise RuntimeError(f"{self.name}: the setup cell raised {error}")
        finally:
            ws.close()

    def open_module(self, setup: str) -> dict:
        """Fetch m00, open it (a notebook session, its kernel), run its setup cell; seconds of each step
        (the kernel's start is in ``first_cell``: the session is answered before the kernel is up)."""
        t0 = time.perf_counter()
        fetched = self.request("POST", "/assignments/fetch",
                               data={"course_id": "himaya", "assignment_id": MODULE}).json()
        if not fetched.get("success"):
            raise RuntimeError(f"{self.name}: fetch failed: {fetched.get('value')}")
        t1 = time.perf_counter()
        path = f"himaya/{MODULE}/{MODULE}.ipynb"
        session = self.request("POST", "/api/sessions", json={
            "path": path, "name": Path(path).name, "type": "notebook", "kernel": {"name": "python3"}}).json()
        import websocket

        t2 = time.perf_counter()
        reconnects = 0
        while True:  # a websocket the proxy drops under load is opened again, as JupyterLab does
            try:
                self.execute(session["kernel"]["id"], setup)
                break
            except (OSError, websocket.WebSocketException):
                reconnects += 1
                if reconnects > 3:
                    raise
        t3 = time.perf_counter()
        return {"fetch": t1 - t0, "open": t2 - t1, "first_cell": t3 - t2, "reconnects": reconnects}


def setup_cell() -> str:
    """The module's first code cell, as the trainee's notebook holds it."""
    import nbformat

    nb = nbformat.read(REPO / "notebooks" / MODULE / f"{MODULE}.ipynb", as_version=4)
    return next(c.source for c in nb.cells if c.cell_type == "code" and c.source.strip())


def memory_mb(user: str) -> float:
    """Proportional set size of ``user``'s processes (MB): what this user adds to the machine's memory."""
    import psutil

    uid = _uid(user)
    total = 0
    for process in psutil.process_iter(["uids"]):
        try:
            if process.info["uids"] and process.info["uids"].real == uid:
                total += process.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total / 2**20


def _uid(user: str) -> int:
    import pwd

    return pwd.getpwnam(user).pw_uid


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def run(n: int = 8, to: Path = REPO / "build" / "bench") -> dict:
    """Start a hub with ``n`` trainees, open m00 for all at once, write hub.json and hub.txt."""
    import psutil

    localhub = _localhub()
    localhub.install_proxy()
    problems = localhub.missing()
    if problems:
        raise RuntimeError("the hub bench needs: " + "; ".join(problems))
    tag = secrets.token_hex(2)
    trainees = [f"hb{tag}-{i:03d}" for i in range(1, n + 1)]
    root = Path(tempfile.mkdtemp(prefix="himaya-hub-bench-"))
    hub = localhub.LocalHub(root, instructor=f"hb{tag}-instr", trainees=trainees, homes=root / "home")
    print(f"hub bench: {n} trainees open {MODULE} at once…", file=sys.stderr, flush=True)
    try:
        hub.start()
        instructor = Trainee(hub, hub.instructor)
        hub.api("POST", f"/users/{hub.instructor}/server")
        _wait_ready(hub, [hub.instructor])
        kernel = instructor.request("POST", "/api/sessions", json={
            "path": "himaya/instructor.ipynb", "name": "instructor.ipynb", "type": "notebook",
            "kernel": {"name": "python3"}}).json()["kernel"]["id"]
        instructor.execute(kernel, "import subprocess, sys\nsubprocess.run([sys.executable, '-m', 'grading', "
                                   f"'release', {MODULE!r}], check=True, capture_output=True)")
        people = [Trainee(hub, t) for t in trainees]
        free_before = psutil.virtual_memory().available
        setup = setup_cell()
        started = time.perf_counter()

        def arrive(person: Trainee) -> dict:
            """One trainee logs in, waits for their server, then opens the module: seconds since the class began."""
            hub.api("POST", f"/users/{person.name}/server")
            ready = _wait_ready(hub, [person.name], since=started)[person.name]
            opened = person.open_module(setup)
            return {**opened, "ready": ready, "done": time.perf_counter() - started}

        with ThreadPoolExecutor(max_workers=n) as pool:  # the whole class at once
            opened = list(pool.map(arrive, people))
        servers_ready = max(o["ready"] for o in opened)
        all_ready = max(o["done"] for o in opened)
        time.sleep(2)  # settled: kernels idle
        memory = [memory_mb(t) for t in trainees]
        used = (free_before - psutil.virtual_memory().available) / 2**20
        waits = [o["done"] for o in opened]
        total_mb = psutil.virtual_memory().total / 2**20
        per = statistics.mean(memory)
        result = {
            "machine": {"cores": os.cpu_count(), "memory_mb": round(total_mb),
                        "load_average": [round(x, 2) for x in os.getloadavg()]},
            "trainees": n, "module": MODULE,
            "measured": "seconds from the moment every trainee asks for their server at once; each trainee, as soon "
                        "as their server is ready, fetches the module, opens it (kernel) and runs its setup cell",
            "seconds": {"all_servers_ready": round(servers_ready, 1), "all_trainees_can_answer": round(all_ready, 1)},
            "each_trainee_waits_s": {"p50": round(_percentile(waits, .5), 1), "p95": round(_percentile(waits, .95), 1),
                                     "max": round(max(waits), 1)},
            "steps_s_median": {k: round(statistics.median(o[k] for o in opened), 2)
                               for k in ("fetch", "open", "first_cell")},
            "websocket_reconnects": sum(o["reconnects"] for o in opened),
            "memory_per_trainee_mb": {"pss_mean": round(per, 1), "pss_max": round(max(memory), 1)},
            "machine_memory_used_mb": round(used),
            "trainees_per_gb": round(1024 / per, 1) if per else None,
        }
    finally:
        hub.stop()
        hub.remove()
    write_report(to, "hub", result, table_text(result))
    return result


def _wait_ready(hub, names: list[str], timeout: float = 900, since: float | None = None) -> dict[str, float]:
    """Seconds from ``since`` (default: now) until each server is ready (the hub's own 'ready' flag)."""
    started, ready = since if since is not None else time.perf_counter(), {}
    deadline = time.monotonic() + timeout
    while len(ready) < len(names):
        if time.monotonic() > deadline:
            raise RuntimeError(f"servers not ready within {timeout:.0f} s:\n{hub.log_tail(40)}")
        for name in names:
            if name not in ready and hub.api("GET", f"/users/{name}")["servers"].get("", {}).get("ready"):
                ready[name] = time.perf_counter() - started
        time.sleep(1)
    return ready


def table_text(result: dict) -> str:
    s, w, m = result["seconds"], result["each_trainee_waits_s"], result["memory_per_trainee_mb"]
    steps = result["steps_s_median"]
    return "\n".join([
        f"hub: {result['trainees']} trainees open {result['module']} at once on {result['machine']['cores']} cores, "
        f"{result['machine']['memory_mb'] / 1024:.0f} GiB",
        f"  every server ready                {s['all_servers_ready']:>7.1f} s",
        f"  every trainee can answer          {s['all_trainees_can_answer']:>7.1f} s",
        f"  each trainee waits (p50/p95/max)  {w['p50']:.1f} / {w['p95']:.1f} / {w['max']:.1f} s",
        f"  steps (median): fetch {steps['fetch']:.2f} s, open (session) {steps['open']:.2f} s, "
        f"first cell (kernel start and the course's setup) {steps['first_cell']:.2f} s",
        f"  memory per trainee (PSS)          {m['pss_mean']:>7.0f} MB mean, {m['pss_max']:.0f} MB max "
        f"→ about {result['trainees_per_gb']} trainees per GiB of free memory",
    ])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python deploy/bench_hub.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=int(os.environ.get("BENCH_HUB_TRAINEES", 8)))
    parser.add_argument("--to", default=str(REPO / "build" / "bench"))
    args = parser.parse_args(argv)
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        print("hub bench skipped: it runs as root on Linux (it creates Unix accounts and starts PostgreSQL)",
              file=sys.stderr)
        return 0
    run(args.trainees, Path(args.to))
    return 0


if __name__ == "__main__":
    sys.exit(main())
