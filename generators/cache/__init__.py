"""The data-pool cache's pure part: which pool a request shares, which window of it a request
reads, and records served from it with fresh ids (`data_pool`; Redis is behind `DataPoolStore`)."""
