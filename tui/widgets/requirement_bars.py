"""One bar per requirement: done / partly / not done, with symbols and numbers beside colour.

People in a supervision meeting would rather look than read, but the bar must still make
sense on a terminal with no colour, so each part has its own block character and the counts
are printed next to it.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from reports import text as words
from store.reports.summary_model import RequirementFigures

PARTS = (
    ("done", "█", "green"),
    ("partly", "▓", "yellow"),
    ("not_done", "░", "red"),
    ("not_applicable", "·", "bright_black"),
    ("unanswered", " ", "bright_black"),
)
WIDTH = 20


def bar(figures: RequirementFigures, width: int = WIDTH) -> Text:
    """A stacked bar of `width` cells, each part in proportion to its count."""
    total = sum(figures.count(key) for key, _, _ in PARTS)
    text = Text()
    if not total:
        return text.append("·" * width, style="bright_black")
    cells = [round(figures.count(key) * width / total) for key, _, _ in PARTS]
    # Rounding can miss by a cell or two: give the difference to the largest part.
    cells[cells.index(max(cells))] += width - sum(cells)
    for (_, char, style), count in zip(PARTS, cells, strict=True):
        text.append(char * count, style=style)
    return text


class RequirementBars(Static):
    """The standards at a glance: set `no_comparison` (None, or why changes from the period
    before are not shown: `text.no_comparison_text`), then `requirements` to the summary's
    field of that name."""

    requirements: reactive[dict] = reactive(dict, always_update=True)
    no_comparison: str | None = None

    def watch_requirements(self, requirements: dict[str, RequirementFigures]) -> None:
        self.update(self.render_rows(requirements, self.no_comparison))

    @staticmethod
    def render_rows(
        requirements: dict[str, RequirementFigures], no_comparison: str | None = None
    ) -> Text:
        out = Text()
        out.append("  █ done  ▓ partly  ░ not done  · not applicable  ", style="dim")
        if no_comparison is None:
            out.append("▲▼ points since the period before\n", style="dim")
        else:
            # Fewer than 5 contacts on either side: no arrows, and say why.
            out.append(f"\n  Change: {no_comparison}\n", style="dim")
        for number, figures in sorted(
            requirements.items(), key=lambda kv: words.requirement_key(kv[0])
        ):
            out.append(f"{number:<5}")
            out.append_text(bar(figures))
            out.append(f" ✓{figures.done} ◐{figures.partly} ✗{figures.not_done}")
            share = words.percent(figures.share_done)
            out.append(f"  {share:>4}")
            change = words.change_points(figures.change) if no_comparison is None else None
            if change is not None:
                arrow = "▲" if change > 0 else "▼" if change < 0 else "="
                out.append(f" {arrow}{abs(change)}", style="dim")
            title = figures.title
            if title:
                out.append(f"\n      {title[:70]}", style="dim")
            out.append("\n")
        return out
