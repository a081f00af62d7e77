"""`python -m licensebot`: the same as the `licensebot` command."""

import sys

from licensebot.cli import main

sys.exit(main())
