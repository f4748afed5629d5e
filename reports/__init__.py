"""Reports drawn from the supervision summary (see `docs/summary-format.md`).

`store/reports/period.py` builds the typed summary (`store/reports/summary_model.py`); the
renderers here read its fields and turn it into text: Markdown
for pasting into a supervision record, one self-contained printable HTML page, and a draft
NMC written reflective account. They are pure functions: no files, no network, no Textual.
"""

from .html import render_html
from .markdown import render_markdown
from .nmc import render_nmc

__all__ = ["render_html", "render_markdown", "render_nmc"]
