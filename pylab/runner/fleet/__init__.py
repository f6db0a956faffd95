"""`pylab run --scheduler ADDRESS`: the lab once on every machine of a Dask cluster.

discover: who the workers are, which of them can run this lab, and the machines they
stand for; remote: what runs on a worker (the lab, as a child process); dispatch: one
lab per machine sent out, each machine's file written as it arrives; summary: the
fleet's one page; main: the command, from connecting to the exit status.
"""
