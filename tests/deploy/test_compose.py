"""The install kit, run for real without Docker: deploy/compose.yaml's web and worker services started as
plain processes through deploy/entrypoint.sh (the image's entrypoint) against the local PostgreSQL, and
one case driven through them — a list imported, the worker emailing it to a local SMTP server, a user
logging in over HTTP on one web process and seeing the board on the other.

``make deploy-check`` runs this file with LUODI_DEPLOY_BIN set to a fresh venv holding the built
wheel (as the image does); otherwise the worktree's .venv runs it.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from support.cli import Cli
from support.pgdb import empty_database
from support.smtpd import SMTPSink, free_port

ROOT = Path(__file__).parents[2]
DEPLOY = ROOT / "deploy"
ENTRYPOINT = DEPLOY / "entrypoint.sh"
BIN = Path(os.environ.get("LUODI_DEPLOY_BIN", ROOT / ".venv" / "bin"))
SECRET = "deploy-secret-0123456789abcdef"
CLOCK = "2026-09-26T16:10+08:00"      # inside working hours, whenever the test runs
yaml = pytest.importorskip("yaml", reason="PyYAML reads deploy/compose.yaml (pip install pyyaml)")


def _compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return document


def _example_env() -> dict[str, str]:
    lines = (DEPLOY / "luodi.env.example").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def _service_env(service: dict[str, Any], overrides: dict[str, str]) -> dict[str, str]:
    """The environment compose gives the service (env_file, then environment), with the host-local
    values a container would get from its own network (the database, SMTP, the port) replaced; the
    local SMTP server takes no login, so the example's SMTP user and password are left out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LUODI_", "FORWARDED_"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(_example_env())
    env.update({key: str(value) for key, value in (service.get("environment") or {}).items()})
    env.update(overrides)
    for key in ("LUODI_SMTP_USER", "LUODI_SMTP_PASSWORD"):
        env.pop(key, None)
    leftover = [f"{k}={v}" for k, v in env.items() if k.startswith("LUODI_") and "${" in v]
    assert not leftover, f"unresolved compose variables: {leftover}"
    return env


@contextmanager
def _process(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(["sh", str(ENTRYPOINT), *command], env=env, stdout=out, stderr=subprocess.STDOUT,
                                   cwd=log.parent)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def _wait_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{log.name} exited {process.returncode}:\n{log.read_text()[-3000:]}"
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{base}/healthz never answered:\n{log.read_text()[-3000:]}")


def test_the_image_runs_the_entrypoint_the_compose_services_use() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    copied = re.search(r"^COPY deploy/entrypoint.sh (\S+)$", dockerfile, re.M)
    assert copied, "the Dockerfile must copy deploy/entrypoint.sh"
    assert f'ENTRYPOINT ["{Path(copied[1]).name}"]' in dockerfile or f'ENTRYPOINT ["{copied[1]}"]' in dockerfile
    assert re.search(r"^USER (?!root)\w+$", dockerfile, re.M), "the image runs as a non-root user"
    assert "HEALTHCHECK" in dockerfile and "/healthz" in dockerfile
    assert "[postgres]" in dockerfile and "pip wheel" in dockerfile
    services = _compose()["services"]
    assert {"db", "web", "worker", "caddy"} <= set(services)
    assert services["web"]["command"] == ["web"] and services["worker"]["command"] == ["worker"]
    assert services["caddy"]["profiles"] == ["https"]


def test_the_systemd_units_run_commands_luodi_accepts() -> None:
    for unit in ("luodi-web.service", "luodi-worker.service"):
        text = (DEPLOY / "systemd" / unit).read_text(encoding="utf-8")
        commands = re.findall(r"^Exec(?:Start|StartPre)=(.+)$", text, re.M)
        assert len(commands) == 2, unit
        assert re.search(r"^User=luodi$", text, re.M)
        for line in commands:
            argv = shlex.split(line)
            assert argv[0] == "/opt/luodi/bin/luodi"
            done = subprocess.run([str(BIN / "luodi"), *argv[1:], "--help"], capture_output=True, text=True,
                                  env=os.environ | {"LUODI_LANGUAGE": "en"}, timeout=60)
            assert done.returncode == 0, f"{unit}: {line}: {done.stderr}"


def test_the_compose_services_as_processes_take_a_list_from_import_to_login(
        pg_admin_url: str, tmp_path: Path, people_csv: Path) -> None:
    services = _compose()["services"]
    q4 = Path(__file__).parents[1] / "data" / "q4_zh.md"
    ports = [free_port(), free_port()]
    with empty_database(pg_admin_url, "luodi_deploy") as url, SMTPSink() as sink:
        local = {"LUODI_DATABASE_URL": url, "LUODI_SECRET_KEY": SECRET, "LUODI_BASE_URL": f"http://127.0.0.1:{ports[0]}",
                 "LUODI_SMTP_HOST": "127.0.0.1", "LUODI_SMTP_PORT": str(sink.port), "LUODI_SMTP_TLS": "none",
                 "LUODI_CLOCK": CLOCK, "LUODI_LANGUAGE": "en",
                 "LUODI_CONFIG": str(tmp_path / "absent.toml"), "LUODI_WEB_HOST": "127.0.0.1",
                 "LUODI_WORKER_INTERVAL": "1", "FORWARDED_ALLOW_IPS": "127.0.0.1"}
        webs = [_service_env(services["web"], local | {"LUODI_WEB_PORT": str(port)}) for port in ports]
        worker_env = _service_env(services["worker"], local)
        logs = [tmp_path / "web1.log", tmp_path / "web2.log", tmp_path / "worker.log"]
        with _process(services["web"]["command"], webs[0], logs[0]) as web1, \
                _process(services["web"]["command"], webs[1], logs[1]) as web2, \
                _process(services["worker"]["command"], worker_env, logs[2]) as worker:
            bases = [f"http://127.0.0.1:{port}" for port in ports]
            _wait_healthy(bases[0], web1, logs[0])
            _wait_healthy(bases[1], web2, logs[1])
            # Behind the proxy (FORWARDED_ALLOW_IPS): the access log names the client the proxy reports.
            assert httpx.get(f"{bases[0]}/healthz", headers={"X-Forwarded-For": "203.0.113.7",
                                                             "X-Forwarded-Proto": "https"}).status_code == 200
            cli = Cli({k: v for k, v in worker_env.items() if k.startswith("LUODI_")})
            assert cli("people", "import", str(people_csv)).exit_code == 0
            meeting = cli("meeting", "import", str(q4), "--json").json()["meeting_id"]
            added = cli("user", "add", "小林", "--role", "coordinator")
            assert added.exit_code == 0, added.stderr
            password = re.findall(r"password: (\S+)", added.stdout)[0]
            with httpx.Client(base_url=bases[0]) as first:
                csrf = re.findall(r'name="csrf" value="([^"]+)"', first.get("/login").text)[0]
                login = first.post("/login", data={"csrf": csrf, "name": "小林", "password": password,
                                                   "next": "/board"})
                assert login.status_code == 303 and login.headers["location"] == "/board"
                cookies = dict(first.cookies)
            with httpx.Client(base_url=bases[1], cookies=cookies) as second:   # the other web process
                page = second.get(f"/meetings/{meeting}")
                assert page.status_code == 200
                csrf = re.findall(r'name="csrf" value="([^"]+)"', page.text)[0]
                assert second.post(f"/meetings/{meeting}/send", data={"csrf": csrf}).status_code == 303
                # The web app only queues the list: the worker process sends it.
                mails = sink.wait_for(4, timeout=60)
                assert {m.envelope_to[0] for m in mails} == {"xiaolin@example.com", "xiaowang@example.com",
                                                              "xiaoli@example.com", "xiaochen@example.com"}
                assert all(str(m.parsed()["Subject"]).startswith(("【行动项】", "[Action items]")) for m in mails)
                board = second.get("/board")
                assert board.status_code == 200 and "T001" in board.text
            # Prometheus, from a loopback address (no token set): the database's figures from either process.
            assert _delivered_per_scrape(bases[0]) == 4 and _delivered_per_scrape(bases[1]) == 4
            for process, log in zip((web1, web2, worker), logs, strict=True):
                assert process.poll() is None, log.read_text()[-2000:]
                process.send_signal(signal.SIGTERM)
                # uvicorn re-raises the SIGTERM after its graceful shutdown; the worker exits 0.
                assert process.wait(30) in (0, -signal.SIGTERM), f"{log.name}:\n{log.read_text()[-2000:]}"
        assert "Application shutdown complete" in logs[0].read_text()
        assert '203.0.113.7 GET /healthz 200' in logs[0].read_text()
        assert "database at revision" in logs[0].read_text() + logs[1].read_text()


def _delivered_per_scrape(base: str) -> float:
    """luodi_deliveries_total{channel="email"}, once the worker has committed all four outcomes."""
    from prometheus_client.parser import text_string_to_metric_families

    deadline = time.monotonic() + 30
    while True:
        scrape = httpx.get(f"{base}/internal/metrics")
        assert scrape.status_code == 200, scrape.text
        values = [s.value for family in text_string_to_metric_families(scrape.text) for s in family.samples
                  if s.name == "luodi_deliveries_total" and s.labels == {"channel": "email"}]
        if values == [4.0] or time.monotonic() > deadline:
            return values[0] if values else 0.0
        time.sleep(0.2)


def test_the_entrypoint_gives_up_on_a_database_that_never_answers_and_runs_luodi_commands(
        tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUODI_")} | {
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "LUODI_SECRET_KEY": SECRET,
        "LUODI_CONFIG": str(tmp_path / "absent.toml"), "LUODI_LANGUAGE": "en"}
    closed = f"postgresql+psycopg://luodi@127.0.0.1:{free_port()}/luodi?connect_timeout=1"
    started = time.monotonic()
    down = subprocess.run(["sh", str(ENTRYPOINT), "web"], env=env | {"LUODI_DATABASE_URL": closed,
                          "LUODI_DB_WAIT_SECONDS": "2"}, capture_output=True, text=True, timeout=60)
    assert down.returncode == 1 and "the database did not answer in 2 s" in down.stderr
    assert time.monotonic() - started < 30
    url = f"sqlite:///{tmp_path / 'luodi.db'}"
    done = subprocess.run(["sh", str(ENTRYPOINT), "luodi", "db", "upgrade"], env=env | {"LUODI_DATABASE_URL": url},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "database at revision" in done.stdout, done.stderr
