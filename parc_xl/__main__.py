"""`py -m parc_xl …`: the CLI where `Scripts\\` (and so `parc-xl.exe`) is not on PATH,
as after the python.org install manager of Python 3.14+."""

from parc_xl.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
