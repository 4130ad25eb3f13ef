"""`python -m kejiquan_site` runs the command line."""

from .cli import run

run()
