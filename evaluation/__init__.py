"""Answer quality measured on question sets (`gardbot eval`). Not a frontend: it runs the engine
it is given, and imports the layers below bot/ only."""
