"""Open metadata formats built from the catalog's dataset dicts: DCAT-AP 3, schema.org, Data Package."""
