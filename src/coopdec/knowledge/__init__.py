"""Good practices and knowledge pages."""
