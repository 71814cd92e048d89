"""The web UI's entry point at the top of a checkout: ``python ui/app.py [--port N]``
starts it over the store in PARACITE_HOME, as ``paracite ui`` does. The UI itself is the
package ``paracite.ui`` (src/paracite/ui/), so an installed paracite has it too."""

import sys

from paracite.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["ui", *sys.argv[1:]]))
