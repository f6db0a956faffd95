"""The pytest plugin for extension authors (entry point `pytest11`: pylab.plugin.pytest_plugin):
the `gil` fixture asserts that a call releases the GIL, that it scales in threads, and that
importing a module keeps the GIL off on a free-threaded build, with pylab's instruments
(pylab.probing.calls, pylab.base.rules, pylab.host.load) and its results schema.
docs/plugin.md is its manual."""
