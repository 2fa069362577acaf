"""Where `hashiya train` writes its pipeline: never over an input, and
never half a pipeline in place of the one before."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.errors import HashiyaError
from annotations.training import _save, check_output


def test_the_output_may_not_hold_or_sit_inside_an_input(tmp_path):
    corpus, store, labels = tmp_path / "corpus", tmp_path / "store", tmp_path / "pipe" / "labels.toml"
    corpus.mkdir()
    store.mkdir()
    labels.parent.mkdir()
    (labels.parent / "config.cfg").write_text("[nlp]\n")  # a pipeline written before
    labels.write_text("")
    inputs = (labels, corpus, store)
    with pytest.raises(HashiyaError, match="holds .*labels.toml, an input"):
        check_output(labels.parent, inputs=inputs)
    with pytest.raises(HashiyaError, match="holds .*corpus, an input"):
        check_output(corpus, inputs=inputs)
    with pytest.raises(HashiyaError, match="inside .*store, an input"):
        check_output(store / "model", inputs=inputs)
    with pytest.raises(HashiyaError, match="inside .*corpus, an input"):
        check_output(corpus / "model", inputs=inputs)
    assert check_output(tmp_path / "model", inputs=inputs) == tmp_path / "model"
    (tmp_path / "link").symlink_to(store)
    with pytest.raises(HashiyaError, match="inside .*store"):
        check_output(tmp_path / "link" / "model", inputs=inputs)


class _Pipeline:
    """What _save needs of a spaCy Language: to_disk, here failing on demand."""

    def __init__(self, version: str, fail: bool = False) -> None:
        self.version, self.fail = version, fail

    def to_disk(self, path: Path) -> None:
        Path(path).mkdir(exist_ok=True)
        (Path(path) / "config.cfg").write_text(self.version)
        if self.fail:
            raise OSError(28, "No space left on device")
        (Path(path) / "meta.json").write_text(self.version)


def test_a_pipeline_replaces_the_one_before_whole_or_not_at_all(tmp_path):
    out = tmp_path / "model"
    _save(_Pipeline("one"), out)
    assert (out / "meta.json").read_text() == "one"
    _save(_Pipeline("two"), out)
    assert (out / "config.cfg").read_text() == "two" and (out / "meta.json").read_text() == "two"
    with pytest.raises(HashiyaError, match="cannot write the pipeline: No space left"):
        _save(_Pipeline("three", fail=True), out)
    # the pipeline before is whole, and nothing is left beside it
    assert (out / "config.cfg").read_text() == "two" and (out / "meta.json").read_text() == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]
