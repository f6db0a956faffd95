"""`pylab atlas`: the GIL share, release and payoff sizes of the calls of common libraries.

catalogue (the calls: catalogue.toml, --catalogue FILE), measure (one call in its child:
the size sweep and the probe, by pylab.probing.calls), child (that child's protocol),
sizes (release and payoff sizes from a sweep: pure), modules (an extension module's
free-threading and subinterpreter readiness, in a fresh child), run (the whole atlas).
"""
