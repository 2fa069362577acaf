"""The layout engine on hostile text, each case against Arabic prose of the same length.

Measured: a full layout (fresh Layout, every row built, shaped-word cache empty) of a letter
followed by 5,000 / 10,000 / 20,000 marks (shadda; a mix of harakat; a Latin accent; ZWJ),
a 20,000-character word with no break opportunity at widths 1 and 80, and floods of bidi
controls (shown as markers by the layout); then tui.rtl alone on floods it obeys (deep
embeddings and isolates, bracket pairs, long ET and whitespace runs). Baseline in the same
run: the same measure on Arabic prose (the seeds) of the same length at the same width.
Layout cost should be linear in the text: every ratio near 1, none growing with the size.

    python -m benchmarks.bench_hostile_layout
"""

from __future__ import annotations

import sys

from benchmarks.bench_layout import _time, article

BEH, SHADDA, FATHA, KASRA = "\u0628", "\u0651", "\u064e", "\u0650"
RLE, LRE, PDF, FSI, PDI = "\u202b", "\u202a", "\u202c", "\u2068", "\u2069"


def _layout_cases() -> list[tuple[str, str, int]]:
    """(name, text, width) of each layout case."""
    cases = []
    for n in (5_000, 10_000, 20_000):
        cases.append((f"one letter + {n:,} shadda", BEH + SHADDA * n, 80))
    harakat = (FATHA + SHADDA + KASRA) * 6_667
    cases.append(("one letter + 20,001 mixed harakat", BEH + harakat, 80))
    cases.append(("'a' + 20,000 U+0301 (Latin accent)", "a" + "\u0301" * 20_000, 80))
    cases.append(("one letter + 20,000 ZWJ", BEH + "\u200d" * 20_000, 80))
    word = ("\u0643\u062a\u0628" * 6_667)[:20_000]
    cases.append(("20,000-character word, width 80", word, 80))
    cases.append(("20,000-character word, width 1", word, 1))
    cases.append(("10,000 RLE + 10,000 PDF, width 80", RLE * 10_000 + PDF * 10_000, 80))
    cases.append(("10,000 FSI + 'abc' + 10,000 PDI, width 1", FSI * 10_000 + "abc" + PDI * 10_000, 1))
    cases.append(("10,000 '(' + 'a' + 10,000 ')', width 1", "(" * 10_000 + "a" + ")" * 10_000, 1))
    return cases


def _bidi_cases() -> list[tuple[str, str, str]]:
    """(name, text, direction) of each case of tui.rtl alone (controls obeyed)."""
    return [
        ("(RLE a LRE b) x 5,000 + 10,000 PDF", (RLE + "a" + LRE + "b") * 5_000 + PDF * 10_000, "ltr"),
        ("10,000 FSI + 'abc' + 10,000 PDI", FSI * 10_000 + "abc" + PDI * 10_000, "auto"),
        ("'(\u0628)' x 6,667 (bracket pairs)", "(\u0628)" * 6_667, "ltr"),
        ("'1 ' + 20,000 '%' + ' \u05d0' (W5)", "1 " + "%" * 20_000 + " \u05d0", "auto"),
        ("'a' + TAB + 20,000 ZWJ + 'b' (L1)", "a\t" + "\u200d" * 20_000 + "b", "rtl"),
    ]


def main(repeat: int = 5) -> dict:
    import tui.shaping
    from tui import rtl
    from tui.layout import layout_text

    def full(text: str, width: int):
        def run():
            tui.shaping._WORD_CACHE.clear()
            return layout_text(text, width)

        return run

    def bidi(text: str, direction: str):
        def run():
            para = rtl.resolve_paragraph(text, direction)
            return rtl.reorder_line(rtl.line_levels(para, text, 0, len(text)), skip=para.removed)

        return run

    full(article(2_000), 80)()  # warm imports and the per-character tables

    def ms(t: tuple[float, float, float]) -> str:
        return f"{t[0] * 1000:.1f} / {t[2] * 1000:.1f}"

    results: dict[str, float] = {}
    print("## Layout of hostile text against Arabic prose of the same length\n")
    print(f"Medians of {repeat} runs: wall / CPU milliseconds. Full layout: fresh Layout, every "
          "row built, shaped-word cache empty.\n")
    print("| case | characters | rows | hostile | prose, same length and width | ratio (wall) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, text, width in _layout_cases():
        hostile = _time(full(text, width), repeat)
        prose_text = article(len(text))
        prose = _time(full(prose_text, width), repeat)
        rows = len(layout_text(text, width))
        print(f"| {name} | {len(text):,} | {rows:,} | {ms(hostile)} | {ms(prose)} | "
              f"{hostile[0] / prose[0]:.2f}x |")
        results[name] = hostile[0] * 1000
    print("\n## tui.rtl alone (explicit controls obeyed): resolve_paragraph + line_levels + "
          "reorder_line\n")
    print("| case | characters | hostile | prose, same length | ratio (wall) |")
    print("|---|---:|---:|---:|---:|")
    for name, text, direction in _bidi_cases():
        hostile = _time(bidi(text, direction), repeat)
        prose = _time(bidi(article(len(text)).replace("\n", " "), direction), repeat)
        print(f"| {name} | {len(text):,} | {ms(hostile)} | {ms(prose)} | "
              f"{hostile[0] / prose[0]:.2f}x |")
        results[name] = hostile[0] * 1000
    return results


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
