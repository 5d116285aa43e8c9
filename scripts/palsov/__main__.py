"""`python -m palsov` runs the command line."""

from .cli import main

main()
