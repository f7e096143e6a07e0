"""The install kit, run for real without Docker: deploy/compose.yaml's web and worker services started as
plain processes through deploy/entrypoint.sh (the image's entrypoint) against the local PostgreSQL, and
one case driven through them — a list imported, the worker emailing it to a local SMTP server, a user
logging in over HTTP on one web process and seeing the board on the other.

And docs/deploy.md followed word by word on a clean host (the systemd install, production mode, a
key rotation): every command of its ``sh`` blocks run, only what needs a real host translated.

``make deploy-check`` runs this file with LUODI_DEPLOY_BIN set to a fresh venv holding the built
wheel (as the image does), and LUODI_DEPLOY_WHEEL to the wheel the doc's pip line installs for real;
otherwise the worktree's .venv runs it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
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


# --- docs/deploy.md, followed word by word ------------------------------------------------------------
# Every ```sh block of docs/deploy.md is run here, command by command, on a clean "host": a folder that
# stands for / (the doc's absolute paths live under it). What only a real host can do is translated, each
# translation named below; a command this table does not know fails the test, so the doc cannot gain a
# step nobody ran. ```env blocks are lines the doc tells the admin to put in the env file.

DOC = ROOT / "docs" / "deploy.md"
HOST_DIRS = ("/opt/luodi", "/etc/luodi", "/etc/systemd/system", "/var/lib/luodi", "/var/backups/luodi")
WHEEL = os.environ.get("LUODI_DEPLOY_WHEEL")   # make deploy-check: the built wheel, installed for real


def doc_blocks() -> dict[str, list[tuple[str, list[str]]]]:
    """docs/deploy.md's fenced blocks by section heading: (info string, lines)."""
    sections: dict[str, list[tuple[str, list[str]]]] = {}
    heading, info = "", ""
    block: list[str] | None = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if block is not None:
            if line.startswith("```"):
                sections.setdefault(heading, []).append((info, block))
                block = None
            else:
                block.append(line)
        elif line.startswith("## "):
            heading = line[3:].strip()
        elif line.startswith("```"):
            block, info = [], line[3:].strip()
    return sections


def doc_commands(heading: str, kind: str = "sh") -> list[str]:
    """The commands of a section's ```sh blocks (or the lines of its ```env blocks), comments dropped."""
    found = [line for info, lines in doc_blocks()[heading] if info == kind for line in lines]
    return [re.sub(r"\s{2,}#.*$", "", line).strip() for line in found if line.strip() and not line.startswith("#")]


class Host:
    """A clean machine in a folder: luodi installed as the doc says, its units started as processes."""

    def __init__(self, root: Path, checkout: Path, database_url: str) -> None:
        self.root, self.checkout, self.database_url = root, checkout, database_url
        self.units: dict[str, subprocess.Popen[bytes]] = {}
        self.ports: dict[str, int] = {}
        for folder in ("etc/systemd/system", "opt", "var/lib", "var/backups"):   # what any Linux host has
            (root / folder).mkdir(parents=True)

    def path(self, text: str) -> str:
        for folder in HOST_DIRS:
            text = re.sub(rf"(?<![\w/]){re.escape(folder)}(?=/|\b|$)", str(self.root) + folder, text)
        return text

    def env_file(self) -> dict[str, str]:
        text = Path(self.path("/etc/luodi/luodi.env")).read_text(encoding="utf-8")
        return dict(line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#"))

    def edit_env(self, lines: list[str], drop: tuple[str, ...] = ()) -> None:
        """What "then edit it" means: each KEY=VALUE replaces the key's line or is added; ``<…>`` is
        filled in (a command in it is run, as the doc says to; a PASSWORD'd URL is this test's database)."""
        target = Path(self.path("/etc/luodi/luodi.env"))
        current = [c for c in target.read_text(encoding="utf-8").splitlines() if not c.startswith(drop or "\0")]
        for line in lines:
            key, value = line.split("=", 1)
            value = re.sub(r"<[^>:]*: ([^>]+)>", lambda m: subprocess.run(
                m[1], shell=True, capture_output=True, text=True, check=True).stdout.strip(), value)
            assert "<" not in value, f"docs/deploy.md: {line!r} has a placeholder this test cannot fill"
            if value.startswith("postgresql+psycopg://"):
                value = self.database_url
            current = [c for c in current if not c.startswith(f"{key}=")] + [f"{key}={value}"]
        target.write_text("\n".join(current) + "\n", encoding="utf-8")

    def run(self, line: str) -> None:
        for step in line.split(" && "):
            argv = shlex.split(step.removeprefix("sudo "))
            self._step(argv, step)

    def _step(self, argv: list[str], step: str) -> None:
        program = argv[0]
        if program == "useradd":        # creating a system user needs root and changes this machine:
            home = argv[argv.index("--home-dir") + 1]    # only --create-home's folder is made
            assert "--system" in argv and "--create-home" in argv and argv[-1] == "luodi", step
            Path(self.path(home)).mkdir(parents=True)
        elif argv[:3] == ["python3", "-m", "venv"] and WHEEL is None:
            venv = Path(self.path(argv[3]))     # the test's luodi stands in for the wheel (deploy-check installs it)
            (venv / "bin").mkdir(parents=True)
            (venv / "bin" / "luodi").symlink_to(BIN / "luodi")
        elif program.endswith("/bin/pip") and argv[1] == "install":
            assert re.fullmatch(r"luodi-[\w.]+-py3-none-any\.whl\[postgres\]", argv[2]), step
            if WHEEL is not None:
                self._check([self.path(program), "install", "--quiet", f"{WHEEL}[postgres]"], step)
        elif program == "systemctl" and argv[1] == "daemon-reload":
            assert all(Path(self.path(f"/etc/systemd/system/{unit}.service")).exists()
                       for unit in ("luodi-web", "luodi-worker"))
        elif program == "systemctl" and argv[1:3] == ["enable", "--now"]:
            for unit in argv[3:]:
                self.start(unit)
        elif program == "systemctl" and argv[1] == "restart":
            for unit in argv[2:]:
                self.stop(unit)
                self.start(unit)
        elif program in ("python3", "install", "cp"):
            argv = [arg for arg in argv if arg not in ("-o", "luodi")] if program == "install" else argv
            self._check([self.path(arg) for arg in argv], step)
        else:
            raise AssertionError(f"docs/deploy.md: a command this test does not know how to follow: {step!r}")

    def _check(self, argv: list[str], step: str) -> None:
        done = subprocess.run(argv, cwd=self.checkout, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{step}: {done.stderr}"

    def unit_env(self, unit: str) -> tuple[dict[str, list[str]], dict[str, str]]:
        service: dict[str, list[str]] = {}
        for line in Path(self.path(f"/etc/systemd/system/{unit}.service")).read_text(encoding="utf-8").splitlines():
            if "=" in line and not line.startswith(("#", "[")):
                key, value = line.split("=", 1)
                service.setdefault(key, []).append(value)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LUODI_", "FORWARDED_"))}
        env.update(dict(line.split("=", 1) for line in service.get("Environment", [])))
        assert service["EnvironmentFile"] == ["/etc/luodi/luodi.env"]
        env.update(self.env_file())
        env["LUODI_CONFIG"] = str(self.root / "absent.toml")
        return service, env

    def start(self, unit: str) -> None:
        """``systemctl start``: ExecStartPre to its end, then ExecStart, from WorkingDirectory."""
        service, env = self.unit_env(unit)
        cwd = self.path(service["WorkingDirectory"][0])
        for pre in service.get("ExecStartPre", []):
            done = subprocess.run(shlex.split(self.path(pre)), env=env, cwd=cwd, capture_output=True, text=True,
                                  timeout=120)
            assert done.returncode == 0, f"{unit} ExecStartPre: {done.stdout}{done.stderr}"
        argv = shlex.split(self.path(service["ExecStart"][0]))
        if "--port" in argv:    # the doc's port 8000 may be taken on this machine
            self.ports[unit] = self.ports.get(unit) or free_port()
            argv[argv.index("--port") + 1] = str(self.ports[unit])
        log = self.root / f"{unit}.log"
        with log.open("ab") as out:
            self.units[unit] = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)

    def stop(self, unit: str) -> None:
        process = self.units.pop(unit)
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) in (0, -signal.SIGTERM), (self.root / f"{unit}.log").read_text()[-2000:]

    def luodi(self, *args: str) -> subprocess.CompletedProcess[str]:
        """A luodi command as an admin runs it on the host: the installed one, with the env file's settings."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("LUODI_")} | self.env_file() | {
            "LUODI_CONFIG": str(self.root / "absent.toml")}
        return subprocess.run([self.path("/opt/luodi/bin/luodi"), *args], env=env, capture_output=True, text=True,
                              timeout=120)

    def close(self) -> None:
        for unit in list(self.units):
            self.stop(unit)


def test_the_compose_steps_of_docs_deploy_md_are_the_ones_run_as_processes() -> None:
    """The Compose section's commands, one by one, against what the test above does in their place."""
    followed = {heading for heading, blocks in doc_blocks().items() if any(info == "sh" for info, _ in blocks)}
    assert followed == {"With Docker Compose", "With systemd", "Production mode and the secret keys"}, \
        "a new sh block in docs/deploy.md: follow it in test_docs_deploy_md_followed_word_by_word_on_a_clean_host"
    assert doc_commands("With Docker Compose") == [
        "cp deploy/luodi.env.example deploy/luodi.env",           # _example_env reads the example
        "export POSTGRES_PASSWORD=…",                                # the test's own database URL instead
        "docker compose -f deploy/compose.yaml up -d --build --scale web=2 --scale worker=1",   # 2 web, 1 worker
        "docker compose -f deploy/compose.yaml run --rm web luodi user add 张经理 --role admin",  # cli("user", "add")
    ]


def test_docs_deploy_md_followed_word_by_word_on_a_clean_host(pg_admin_url: str, tmp_path: Path,
                                                               people_csv: Path) -> None:
    """The systemd install, production mode, and a key rotation, as docs/deploy.md says them."""
    checkout = tmp_path / "checkout"    # the doc's relative paths (deploy/…) are of a checkout
    shutil.copytree(DEPLOY, checkout / "deploy")
    with empty_database(pg_admin_url, "luodi_docs") as url, SMTPSink() as sink:
        host = Host(tmp_path / "host", checkout, url)
        try:
            for line in doc_commands("With systemd"):
                if line.startswith("sudo systemctl"):
                    # "then edit it": first as the example stands, in production mode — refused, naming why.
                    host.edit_env(["LUODI_DATABASE_URL=postgresql+psycopg://luodi:PASSWORD@127.0.0.1:5432/luodi",
                                   "LUODI_ENV=production"])
                    refused = host.luodi("db", "upgrade")
                    assert refused.returncode == 2 and "LUODI_SECRET_KEY" in refused.stderr, refused.stderr
                    host.edit_env(doc_commands("Production mode and the secret keys", "env"))
                    # …and this machine's mail server (a local one that takes no login) for LUODI_SMTP_*.
                    host.edit_env(["LUODI_SMTP_HOST=127.0.0.1", f"LUODI_SMTP_PORT={sink.port}", "LUODI_SMTP_TLS=none"],
                                  drop=("LUODI_SMTP_USER=", "LUODI_SMTP_PASSWORD="))
                host.run(line)
            web = f"http://127.0.0.1:{host.ports['luodi-web']}"
            _wait_ready(web, host)
            assert httpx.get(f"{web}/api/docs").status_code == 404           # production: no API reference
            assert httpx.get(f"{web}/api/openapi.json").status_code == 200
            old_key = host.env_file()["LUODI_SECRET_KEY"]
            assert len(old_key) >= 32
            assert host.luodi("people", "import", str(people_csv)).returncode == 0
            meeting = json.loads(host.luodi("meeting", "import", str(ROOT / "tests" / "data" / "q4_zh.md"),
                                            "--json").stdout)["meeting_id"]
            before = _link(url, meeting, old_key)
            # The rotation, as the doc says it: the new key added, the processes restarted.
            host.edit_env(doc_commands("Production mode and the secret keys", "env rotation"))
            for line in doc_commands("Production mode and the secret keys"):
                host.run(line)
            _wait_ready(web, host)
            new_key = host.env_file()["LUODI_SECRET_KEYS"]
            assert new_key != old_key and len(new_key) >= 32
            after = _link(url, meeting, new_key)
            for link in (before, after):                     # a link of either key still opens
                assert httpx.get(f"{web}/c/{link}").status_code == 200, link
            assert httpx.get(f"{web}/c/{_link(url, meeting, 'x' * 40)}").status_code in (400, 403, 404)
            sent = host.luodi("meeting", "send", str(meeting), "--json")
            assert sent.returncode == 0, sent.stderr
            assert len(sink.wait_for(4, timeout=60)) == 4   # the list, to each owner and the coordinator
            assert _queued_links_verify_with(url, new_key) and not _queued_links_verify_with(url, old_key)
        finally:
            host.close()


def _wait_ready(web: str, host: Host) -> None:
    deadline = time.monotonic() + 90
    while True:
        for unit, process in host.units.items():
            assert process.poll() is None, (host.root / f"{unit}.log").read_text()[-3000:]
        try:
            if httpx.get(f"{web}/readyz", timeout=2).status_code == 200:   # the worker's heartbeat too
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, (host.root / "luodi-web.log").read_text()[-3000:]
        time.sleep(0.3)


def _link(url: str, meeting_id: int, key: str) -> str:
    from sqlalchemy import create_engine, select

    from luodi.clock import SystemClock
    from luodi.models import Item
    from luodi.services.send import tokens

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            item_id, owner_id = connection.execute(select(Item.id, Item.owner_id).where(
                Item.meeting_id == meeting_id).order_by(Item.code)).first() or (0, 0)
    finally:
        engine.dispose()
    return tokens.make(key, tokens.ConfirmationToken(meeting_id, owner_id, (item_id,)), now=SystemClock().now())


def _queued_links_verify_with(url: str, key: str) -> bool:
    """Whether every confirmation link in the queued list emails verifies with ``key``."""
    from sqlalchemy import create_engine, select

    from luodi.clock import SystemClock
    from luodi.models import OutboxMessage
    from luodi.services.errors import ServiceError
    from luodi.services.send import tokens

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            bodies = [str(row) for row in connection.execute(select(OutboxMessage.body_text)).scalars()]
    finally:
        engine.dispose()
    links = [found for body in bodies for found in re.findall(r"/c/([\w.-]+)", body)]
    assert links, bodies[:1]
    try:
        for link in links:
            tokens.read(key, link, now=SystemClock().now(), max_age_seconds=86400)
    except ServiceError:
        return False
    return True
