"""`python -m bot` runs the same CLI as the `briefbot` script."""

from bot.cli import main

main()
