"""Output formats, one module each (`json`, `csv`, `sql`) behind `registry`: how a reply's
chunks are written and how they merge into the whole answer."""
