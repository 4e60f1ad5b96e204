"""tests/deploy: the course on a real JupyterHub (deploy/), with a PostgreSQL gradebook."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "hub: starts a real JupyterHub, its proxy, PostgreSQL and Unix accounts (Linux, root)")
