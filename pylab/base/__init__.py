"""The lowest room: errors and exit statuses, number formats, statistics, the scaling
rule, the GIL model, the cache folder, and the optional extras (Dask, subinterpreters).
It imports nothing else of pylab."""
