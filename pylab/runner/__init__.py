"""Running the lab: a new run (start), an interrupted one finished (resume), and the run
itself (lab.run_lab), each piece of work in a child process it can lose (isolation)."""

from pylab.runner.lab import LabRun, Part, run_lab
from pylab.runner.resume import resume
from pylab.runner.start import start

__all__ = ["LabRun", "Part", "resume", "run_lab", "start"]
