"""Talking to CKAN portals: publishing Banchi's open datasets to them and harvesting their catalogs."""
