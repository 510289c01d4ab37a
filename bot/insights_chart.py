"""Questions per chapter as a bar chart (PNG) for `/insights` and `lecture-bot insights --chart`.

Drawn with matplotlib's Agg backend (no display needed), imported only when a chart is drawn:
it costs about half a second to import, which no other command should pay. Labels are the
chapters' English titles (matplotlib's bundled font has no Hangul).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from bot.insights import Counted

MAX_BARS = 24
LABEL = 42


def questions_per_chapter_png(chapters: Sequence[Counted], several_lectures: bool) -> bytes:
    """A horizontal bar per chapter asked about (the most asked, at most MAX_BARS), in
    lecture order top to bottom, each labelled with its chapter and count."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    shown = sorted(sorted(chapters, key=lambda c: -c.count)[:MAX_BARS], key=chapters.index)
    labels = [_label(item, several_lectures) for item in shown]
    counts = [item.count for item in shown]
    figure = Figure(figsize=(8, 0.9 + 0.32 * max(len(shown), 1)), dpi=100)
    axes = figure.add_subplot()
    bars = axes.barh(range(len(shown)), counts, color="#5865F2")
    axes.bar_label(bars, padding=3, fontsize=9)
    axes.set_yticks(range(len(shown)), labels, fontsize=9)
    axes.invert_yaxis()
    axes.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    axes.set_xlim(0, max(counts, default=1) * 1.15)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _label(item: Counted, several_lectures: bool) -> str:
    prefix = f"{item.lecture[:12]} " if several_lectures else ""
    text = f"{prefix}{item.chapter}. {item.label}"
    return text if len(text) <= LABEL else text[: LABEL - 1] + "…"
