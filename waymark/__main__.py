"""`python -m waymark`: the same CLI as the `waymark` command."""

from waymark_compiler.cli import main

main()
