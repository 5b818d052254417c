"""`python -m desktop_app.cli` runs the ftstudio command line."""

import sys

from desktop_app.cli.main import main

sys.exit(main())
