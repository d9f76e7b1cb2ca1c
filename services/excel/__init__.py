"""Catalog workbooks: reading the GD Catalog Excel template safely, writing it and the GD Catalog export."""
