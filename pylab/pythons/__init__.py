"""Python interpreters: finding them (discovery), an environment per interpreter (envs),
and the interpreters `--python` names (targets)."""
