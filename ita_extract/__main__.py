from ita_extract.cli import main

main()
