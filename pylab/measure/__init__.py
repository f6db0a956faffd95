"""Measuring: one cell (calibrate, interleaved pairs, the stopping rule), timing, the
heartbeat, and what a run measures (plan, presets, settings)."""
