"""``python -m sksparse_struct``: the ``sksparse-struct`` command line."""

import sys

from ._cli import main

if __name__ == "__main__":  # imported, not run, when pytest collects the doctests
    sys.exit(main())
