from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotations.errors import HashiyaError
from annotations.settings import Settings
from tui import cli

ROOT = Path(__file__).resolve().parents[2]


def test_help_lists_subcommands(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "hashiya" in out
    assert all(f"    {name}" in out for name in cli.SUBCOMMANDS)


def test_the_collector_is_off_only_until_the_command_runs(monkeypatch, tmp_path):
    # off while parsing and importing; a command that is not the app runs
    # with it on; the app's own start-up turns it on (make_app); on after
    # main whatever happened.
    import gc

    import tui.commands.open as open_command
    import tui.commands.render as render_command

    seen = {}
    monkeypatch.setattr(render_command, "run", lambda args: seen.setdefault("render", gc.isenabled()) and 0)
    monkeypatch.setattr(open_command, "run", lambda args: seen.setdefault("open", gc.isenabled()) and 0)
    assert gc.isenabled()
    cli.main(["render", str(tmp_path / "a.txt")])
    cli.main([str(tmp_path)])
    assert seen == {"render": True, "open": False}
    assert gc.isenabled()

    def refused(args):
        raise HashiyaError("no corpus")

    monkeypatch.setattr(open_command, "run", refused)
    assert cli.main([str(tmp_path)]) != 0
    assert gc.isenabled()


def test_open_with_missing_corpus_is_one_line_error(tmp_path, capsys):
    code = cli.main(["open", str(tmp_path / "missing")])
    err = capsys.readouterr().err
    assert code != 0
    assert err.startswith("hashiya: error:") and "no such file" in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_bad_annotator_name_is_a_clear_error(capsys):
    code = cli.main(["open", "--annotator", "../etc/passwd"])
    err = capsys.readouterr().err
    assert code != 0 and "annotator name" in err


def test_settings_flags_beat_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("HASHIYA_STORE", str(tmp_path / "env-store"))
    monkeypatch.setenv("HASHIYA_MODE", "logical")
    monkeypatch.setenv("HASHIYA_HARAKAT", "off")
    settings = Settings.resolve(store=str(tmp_path / "flag-store"))
    assert settings.store == tmp_path / "flag-store"
    assert settings.mode == "logical"
    assert settings.harakat is False
    assert settings.annotator == "tester"
    assert Settings.resolve(mode="visual").mode == "visual"


def test_bad_mode_in_environment(monkeypatch):
    monkeypatch.setenv("HASHIYA_MODE", "sideways")
    from annotations.errors import HashiyaError

    with pytest.raises(HashiyaError, match="display mode"):
        Settings.resolve()


def test_installed_command_runs_without_traceback(tmp_path):
    exe = Path(sys.executable).parent / "hashiya"
    assert exe.exists(), "the hashiya console script is installed by `make test`"
    out = subprocess.run(
        [str(exe), str(tmp_path / "missing")], capture_output=True, text=True, timeout=60
    )
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    assert "no such file" in out.stderr


def test_python_dash_m_tui_is_the_hashiya_command(tmp_path):
    run = [sys.executable, "-m", "tui"]
    help_out = subprocess.run([*run, "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert help_out.returncode == 0 and help_out.stdout.startswith("usage: hashiya")
    missing = subprocess.run(
        [*run, "render", str(tmp_path / "missing.txt")], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert missing.returncode != 0
    assert missing.stderr.startswith("hashiya: error:") and "Traceback" not in missing.stderr
