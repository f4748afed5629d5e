"""Moving records between machines: one sealed, self-checking bundle file.

An outreach laptop has no network, so its sessions reach the clinic store as a file carried
across: `export_bundle` writes it, `read_bundle` checks it whole, `import_bundle` merges it.

The modules, by job: `bundle_file` (the file format and the shape of what it holds), `export`
(gathering records), `reading` (manifest and digest checks), `merge` (the rule `decide`, no
disk), `admission` (who may import), `importing` (applying outcomes: history, conflicts,
quarantine) and `report` (what a transfer did, in plain words).
"""

from .bundle_file import FORMAT, SUFFIX, VERSION, BundleError, default_bundle_name, parse_day
from .export import export_bundle
from .importing import conflicts_file, history_file, import_bundle
from .reading import Bundle, read_bundle
from .report import export_lines, report_lines

__all__ = [
    "FORMAT",
    "SUFFIX",
    "VERSION",
    "Bundle",
    "BundleError",
    "conflicts_file",
    "default_bundle_name",
    "export_bundle",
    "export_lines",
    "history_file",
    "import_bundle",
    "parse_day",
    "read_bundle",
    "report_lines",
]
