# Jupyter Server settings every user of the hub shares (JUPYTER_CONFIG_PATH, set by deploy/jupyterhub_config.py).
c = get_config()  # noqa: F821 (provided by traitlets)
# Terminals: an interactive shell, not a login shell, which would reset PATH and lose the course's environment.
c.ServerApp.terminado_settings = {"shell_command": ["/bin/bash", "-i"]}
