"""The ``articles/`` folder of an annotator: its 256 subfolders, listing the
files in them, and moving a store of the flat layout (every article file
directly in ``articles/``) into them.

Which layout a folder has is written in ``<annotator>/layout``:

    (no file)      the flat layout, or a folder never written
    "migrating"    a move into the subfolders has begun
    "fanned"       every article file is in its subfolder
    (else)         damaged: taken as "migrating" (going over it again is harmless)

A writer (and repair) opening a folder that is not "fanned" first moves
it (``migrate``), under the annotator's lock, in steps that a kill or a
power cut may stop anywhere:

1. ``layout`` is written as "migrating" (atomically, synced);
2. the subfolders are made and ``articles/`` synced, so that they stay;
3. each file of the flat folder (article file, ``.bak``, ``.damaged``) is
   renamed into its subfolder (``articles.article_path``; the name of an id
   with uppercase letters changes to the encoded one). A rename is atomic:
   the file is in one place or the other, never both, never neither;
4. every subfolder and ``articles/`` are synced;
5. ``layout`` is written as "fanned".

An interrupted move is finished by the next writer to open: step 3 skips
what has moved already. Readers never move anything: in a folder not
"fanned" they look for an article's file in the flat folder first, then in
its subfolder (a file moves only that way), so they read either layout and
a move under way.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterator

from ..errors import StoreError
from .articles import FANOUT, article_path
from .files import article_id_from_file, atomic_write, fsync_dir, read_nofollow, remove_leftovers

LAYOUT = "layout"
FANNED = "fanned"
MIGRATING = "migrating"

#: the names of the subfolders of ``articles/``
SUBFOLDERS = tuple(f"{n:02x}" for n in range(FANOUT))


def _reached(step: str) -> None:
    """Called between two steps of a migration. Does nothing; tests replace
    it to stop the process at each step in turn."""


def read_layout(folder: Path) -> str | None:
    """What ``<annotator>/layout`` says (None: no such file). Anything but
    "fanned" is taken as a move under way: readers look in both places and
    the next writer goes over the flat folder again, which is harmless."""
    raw = read_nofollow(folder / LAYOUT)
    if raw is None:
        return None
    return FANNED if raw.strip() == FANNED.encode() else MIGRATING


def layout_stamp(folder: Path) -> tuple | None:
    try:
        info = os.lstat(folder / LAYOUT)
    except FileNotFoundError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def subfolder_problem(path: str) -> str | None:
    """Why ``path`` cannot be a subfolder of ``articles/`` (None: it can, or
    it is not there)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        return f"{path} is a symbolic link; the store does not follow links in an annotator folder"
    if not stat.S_ISDIR(info.st_mode):
        return f"{path} is not a folder"
    return None


def check_subfolders(articles_dir: Path) -> None:
    """StoreError when a subfolder of ``articles/`` is a link (planted to
    send the store's writes elsewhere) or not a folder."""
    base = str(articles_dir)
    for sub in SUBFOLDERS:
        problem = subfolder_problem(os.path.join(base, sub))
        if problem:
            raise StoreError(problem)


def files_in(articles_dir: Path, *, flat: bool) -> Iterator[tuple[str, str]]:
    """(folder, name) of every entry in the subfolders (and in ``articles/``
    itself when ``flat``), hidden names left out; subfolders in order."""
    base = str(articles_dir)
    folders = ([base] if flat else []) + [os.path.join(base, sub) for sub in SUBFOLDERS]
    for folder in folders:
        try:
            names = sorted(os.listdir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for name in names:
            if not name.startswith(".") and (folder != base or name not in SUBFOLDERS):
                yield folder, name


def remove_all_leftovers(articles_dir: Path) -> None:
    remove_leftovers(articles_dir)
    for sub in SUBFOLDERS:
        remove_leftovers(articles_dir / sub)


def _split(name: str) -> tuple[str, str] | None:
    """(article file name, suffix) of an entry of the flat folder: "" for
    the article file, ".bak", ".damaged", ".damaged-<time>"; None for
    anything else."""
    if name.endswith(".json"):
        return name, ""
    cut = name.rfind(".json.")
    if cut > 0:
        suffix = name[cut + len(".json"):]
        if suffix == ".bak" or suffix == ".damaged" or suffix.startswith(".damaged-"):
            return name[: cut + len(".json")], suffix
    return None


def _make_subfolders(articles_dir: Path) -> None:
    made = False
    for sub in SUBFOLDERS:
        path = articles_dir / sub
        problem = subfolder_problem(str(path))
        if problem:
            raise StoreError(problem)
        try:
            os.mkdir(path, 0o755)
            made = True
        except FileExistsError:
            pass
    if made:
        fsync_dir(articles_dir)


def ensure_fanned(folder: Path, articles_dir: Path) -> list[str]:
    """For the holder of the annotator's lock: the folder in the fanned-out
    layout, moving a flat one (or finishing a move cut off) first. What was
    done, for ``Store.recovery``."""
    try:
        state = read_layout(folder)
        if state == FANNED:
            _make_subfolders(articles_dir)  # one removed by hand is made again
            return []
        return migrate(folder, articles_dir, state)
    except OSError as exc:
        raise StoreError(
            f"cannot move the article files of {folder} into subfolders: {exc.strerror or exc}"
        ) from None


def migrate(folder: Path, articles_dir: Path, state: str | None) -> list[str]:
    """Steps 1-5 of the module docstring."""
    done: list[str] = []
    if state is None:
        atomic_write(folder / LAYOUT, MIGRATING.encode() + b"\n")
        _reached("marked")
    _make_subfolders(articles_dir)
    _reached("folders")
    remove_leftovers(articles_dir)
    base = str(articles_dir)
    moved = 0
    touched: set[str] = set()
    for name in sorted(os.listdir(base)):
        if name.startswith(".") or name in SUBFOLDERS:
            continue
        parts = _split(name)
        if parts is None:
            continue
        file_name, suffix = parts
        source = os.path.join(base, name)
        article_id = article_id_from_file(source, file_name)
        if article_id is None and suffix != ".bak":
            # a damaged file whose name was cut short: its .bak may name it
            article_id = article_id_from_file(os.path.join(base, file_name + ".bak"), file_name)
        target = None if article_id is None else article_path(base, article_id) + suffix
        if target is None or os.path.lexists(target):
            done.append(
                f"{source}: left in the flat folder ("
                + ("its article id is unknown" if target is None else f"{target} exists already")
                + ")"
            )
            continue
        os.rename(source, target)
        touched.add(os.path.dirname(target))
        moved += 1
        _reached("moved")
    for path in sorted(touched):
        fsync_dir(Path(path))
    fsync_dir(articles_dir)
    _reached("synced")
    atomic_write(folder / LAYOUT, FANNED.encode() + b"\n")
    _reached("done")
    if moved or state == MIGRATING:
        done.insert(
            0,
            f"moved {moved} article file{'s' if moved != 1 else ''} into the subfolders of {articles_dir}"
            + (" (finishing a move that was cut off)" if state == MIGRATING else ""),
        )
    return done
