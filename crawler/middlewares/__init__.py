"""Downloader middlewares that keep live crawls polite and safe.

refusals.py    Refused: an IgnoreRequest that carries a reject code for the errback
guard.py       no file:/ftp:/data:, no foreign hosts on private addresses, no redirect loops
robots.py      robots.txt refusals, tagged "robots"
compression.py decompression past DOWNLOAD_MAXSIZE (gzip bombs), tagged "too_large"
retry_after.py retries that wait as long as the server's Retry-After asks (capped)
"""
