"""Every command, given hostile arguments, answers in one line and a non-zero exit — never a traceback."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from lakthan.cli import main

# long-running services, and commands that rebuild the database or read stdin
SKIP = {"serve", "worker", "demo", "logs serve", "migrate", "shell", "createsuperuser"}
HOSTILE = ["NaN", "-1", "1e999999", "../../../etc/passwd", "\u202eexe.pdf", "9999-99-99", "", "\x00"]


def _leaves(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        if isinstance(command, click.Group):
            yield from _leaves(command, path)
        else:
            yield path, command


COMMANDS = [(path, cmd) for path, cmd in _leaves(main) if " ".join(path) not in SKIP]


def _arguments(command: click.Command, value: str) -> list[str]:
    args: list[str] = []
    for param in command.params:
        if isinstance(param, click.Option):
            if param.is_flag or param.count:
                continue
            if param.required or param.type in (click.INT, click.FLOAT) or isinstance(param.type, click.Path):
                args += [param.opts[0], value]
        elif isinstance(param, click.Argument):
            args += [value] * (1 if param.nargs in (1, -1) else param.nargs)
    return args


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_hostile_arguments_never_raise_a_traceback(world, path, command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # anything a command might write lands here
    runner = CliRunner()
    for value in HOSTILE:
        result = runner.invoke(main, [*path, *_arguments(command, value)], catch_exceptions=True)
        unexpected = result.exception if not isinstance(result.exception, SystemExit) else None
        assert unexpected is None, f"lakthan {' '.join(path)} with {value!r}: {unexpected!r}\n{result.output}"
        assert "Traceback" not in result.output
