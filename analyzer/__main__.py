"""`python -m analyzer` is the same as the `sccache-forensics` command."""

from analyzer.cli import main

if __name__ == "__main__":
    main()
