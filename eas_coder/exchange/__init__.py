"""Export for analysis (Excel, CSV, SPSS) and import of existing rating sheets."""
