"""The Scrapy project: settings, spiders, middlewares, and the crawl runner and CLI."""
