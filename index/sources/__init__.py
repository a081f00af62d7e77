"""Where documents come from, and every license name the LicenseDB knows.

- ``load_all``: the default selection of the ScanCode LicenseDB (or all of it), the packaged
  licenses and admin folders, as ``Document``s plus the files that failed and why;
- ``parse_document`` / ``split_front_matter``: one file's front matter and body;
- ``Catalog``: every license the bot can name, indexed or not (``catalog.py``).
"""

from licensebot.index.sources.catalog import Catalog, Entry
from licensebot.index.sources.corpus import load_all
from licensebot.index.sources.folders import folder_files, load_folders, load_packaged, packaged_licenses_dir
from licensebot.index.sources.licensedb import (
    LICENSEDB_URL,
    installed_licensedb,
    load_scancode,
    newer_in_licensedb,
    read_selection,
    scancode_license_dir,
    select_keys,
)
from licensebot.index.sources.parse import parse_document, read_document, split_front_matter

__all__ = [
    "LICENSEDB_URL", "Catalog", "Entry", "folder_files", "installed_licensedb", "load_all", "load_folders",
    "load_packaged", "load_scancode", "newer_in_licensedb", "packaged_licenses_dir", "parse_document",
    "read_document", "read_selection", "scancode_license_dir", "select_keys", "split_front_matter",
]
