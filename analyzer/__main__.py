"""`python -m analyzer` is the same as the `sccache-forensics` command."""

import sys

try:
    from analyzer.cli import main
except KeyboardInterrupt:  # Ctrl-C before the command line is even read
    sys.stderr.write("sccache-forensics: interrupted\n")
    sys.exit(2)

if __name__ == "__main__":
    main()
