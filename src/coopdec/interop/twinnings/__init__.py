"""Import of twin-town lists (columns city1,country1,city2,country2)."""
