from liaison.cli.app import main

main()
