"""``python -m dataset [--quiet]``: make sure MNIST is available (local folder, cache or download)."""

import sys

from dataset.mnist import MnistError, fetch

try:
    where = fetch()
except MnistError as error:
    sys.exit(f"MNIST is not available: {error}")
if "--quiet" not in sys.argv:
    print(f"MNIST files checked in {where}")
