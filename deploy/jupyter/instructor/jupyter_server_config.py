# Jupyter Server settings for instructors' servers (JUPYTER_CONFIG_PATH, set by deploy/jupyterhub_config.py).
import os

c = get_config()  # noqa: F821 (provided by traitlets)
# The course directory is shared by the instructors' group (deploy/README.md, step 4): what this server, its
# kernels and terminals write there (collected and graded submissions, feedback, reports) stays readable and
# writable by the other instructors, and by nobody else. nbgrader's groupshared option covers its own files.
os.umask(0o007)
