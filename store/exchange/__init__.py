"""Moving records between machines: one sealed, self-checking bundle file (`bundle`).

An outreach laptop has no network, so its sessions reach the clinic store as a file carried
across: `export_bundle` writes it, `read_bundle` checks it whole, `import_bundle` merges it.
"""

from .importing import (
    FORMAT,
    SUFFIX,
    VERSION,
    Bundle,
    BundleError,
    conflicts_file,
    default_bundle_name,
    export_bundle,
    export_lines,
    history_file,
    import_bundle,
    parse_day,
    read_bundle,
    report_lines,
)

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
