"""Import of organisations and partnerships from a documented CSV/XLSX template."""
