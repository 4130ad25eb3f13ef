"""The vocabulary every stage shares: units and qualifiers, the engine's own words, output names."""
