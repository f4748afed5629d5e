"""The yardstick: a bare Textual app (Header, Static, Footer) that shows the words "Sign in"."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class Bare(App):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Sign in")
        yield Footer()


if __name__ == "__main__":
    Bare().run()
