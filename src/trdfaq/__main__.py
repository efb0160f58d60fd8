"""`python -m trdfaq` runs the command line."""

from .cli import run

run()
