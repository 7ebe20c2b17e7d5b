import sys

from assistant.frontends.cli.main import main

sys.exit(main())
