"""A small fake news site on 127.0.0.1 for crawl tests: pages, feeds, sitemaps and fault endpoints."""
