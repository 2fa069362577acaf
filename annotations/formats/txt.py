"""A folder of ``.txt`` articles as an import source: the articles are
added to the corpus (no annotations). The folder is read like a corpus
(UTF-8, BOM and CRLF tolerated); files it cannot use are reported by name."""

from __future__ import annotations

from pathlib import Path

from ..corpus import open_corpus
from ..errors import FormatError
from .common import ImportResult, LineProblem, build_record, RecordError


def read_folder(folder: str | Path, *, annotator: str = "") -> tuple[ImportResult, list[str]]:
    """Records (no spans) for each article of the folder, and the names of
    files that could not be used, with reasons."""
    path = Path(folder)
    if not path.is_dir():
        raise FormatError(f"{path}: the txt format imports a folder of .txt files")
    corpus = open_corpus(path)
    result = ImportResult()
    for number, article in enumerate(corpus, start=1):
        try:
            result.records.append((number, build_record(article.id, article.text, [], annotator=annotator)))
        except (RecordError, Exception) as exc:  # unreadable article text
            result.problems.append(LineProblem(number, f"{article.id}: {exc}"))
    return result, [str(problem) for problem in corpus.problems]
