"""Running the real ``luodi`` CLI in tests: in-process (CliRunner) or as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from typer.testing import CliRunner


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


class Cli:
    """``luodi`` with a given environment (database URL, SMTP settings …)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def __call__(self, *args: str) -> Result:
        from luodi.cli import context
        from luodi.cli.main import app

        context.settings.cache_clear()
        runner = CliRunner()
        old = {k: os.environ.get(k) for k in self.env}
        os.environ.update(self.env)
        try:
            result = runner.invoke(app, list(args), catch_exceptions=False)
        finally:
            for key, value in old.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            context.settings.cache_clear()
        return Result(result.exit_code, result.stdout, result.stderr)

    def subprocess(self, *args: str, timeout: float = 60) -> Result:
        env = os.environ | self.env
        done = subprocess.run([sys.executable, "-m", "luodi", *args], env=env, capture_output=True,
                              text=True, timeout=timeout)
        return Result(done.returncode, done.stdout, done.stderr)
