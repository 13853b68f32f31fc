"""The Scrapy project: settings, items, spiders, file loaders, CLI."""
