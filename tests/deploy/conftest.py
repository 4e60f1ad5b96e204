"""tests/deploy: the course on a real JupyterHub (deploy/), with a PostgreSQL gradebook."""


