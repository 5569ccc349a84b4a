"""The spiders: `sources` (everything), `feeds`, `sitemaps`, `listings`."""
