from culturegraph.cli import main

main()
