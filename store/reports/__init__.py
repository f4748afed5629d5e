"""The supervision summary builder (`period.py`): reads the store, returns the summary dict.

The renderers that turn that dict into text live in the top-level `reports` package, which
the store never imports.
"""
