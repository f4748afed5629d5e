"""Reports drawn from the supervision summary (see `docs/summary-format.md`).

`store/reports/period.py` builds the typed summary (`store/reports/summary_model.py`); the
renderers here read its fields and turn it into text: Markdown
for pasting into a supervision record, one self-contained printable HTML page, and a draft
NMC written reflective account. They are pure functions: no files, no network, no Textual.
"""

# Loaded when first asked for (PEP 562): the help screen, drawn at start-up, needs only
# `reports.wording`, and must not wait for the renderers and the summary model.
_RENDERERS = {"render_html": "html", "render_markdown": "markdown", "render_nmc": "nmc"}


def __getattr__(name: str):
    module = _RENDERERS.get(name)
    if module is None:
        raise AttributeError(f"module 'reports' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{module}", __name__), name)


__all__ = ["render_html", "render_markdown", "render_nmc"]
