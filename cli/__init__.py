"""The `stepping-stones` command line: parse arguments, call the store, print.

argparse only: nothing here imports Textual. `main.run_app` imports `tui.app` inside the
function when the full-screen app starts; that is the one edge from `cli` to `tui`.
"""
