"""Pipeline stages: extract, classify, dedup and store, each a pure function plus its Scrapy adapter."""
