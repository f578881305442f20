"""``python -m simulator``: the same as the ``parley`` command."""

from .cli.main import main

raise SystemExit(main())
