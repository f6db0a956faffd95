"""`pylab probe` and its relatives: one call measured (calls) and judged (recommend),
the machine's memory bandwidth, a Dask worker layout, and gilcheck."""
