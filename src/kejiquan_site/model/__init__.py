"""The vocabulary every stage shares: the story and the project, units and qualifiers, the engine's own words, output names."""
