"""Moving records between machines: one sealed, self-checking bundle file.

An outreach laptop has no network, so its sessions reach the clinic store as a file carried
across: `prepare_export` makes it, `read_bundle` checks it whole, `Import` merges it. Who may
do which, and the audit entries, are `services.exchange`'s; what a transfer did in plain words
is `reports.transfer`'s.

The modules, by job: `bundle_file` (the file format and the shape of what it holds), `export`
(gathering records), `reading` (manifest and digest checks), `merge` (the rule `decide`, no
disk), `admission` (signing in from a bundle into an empty store) and `importing` (applying
outcomes: history, conflicts, quarantine).
"""

from .admission import RootNotConfirmed, bundle_root, confirm_root, sign_in_from_bundle
from .bundle_file import FORMAT, SUFFIX, VERSION, BundleError, default_bundle_name, parse_day
from .export import prepare_export
from .importing import REPORT_LISTS, Import, conflicts_file, history_file, open_target
from .reading import Bundle, read_bundle

__all__ = [
    "FORMAT",
    "REPORT_LISTS",
    "RootNotConfirmed",
    "SUFFIX",
    "VERSION",
    "Bundle",
    "BundleError",
    "Import",
    "bundle_root",
    "confirm_root",
    "conflicts_file",
    "default_bundle_name",
    "history_file",
    "open_target",
    "parse_day",
    "prepare_export",
    "read_bundle",
    "sign_in_from_bundle",
]
