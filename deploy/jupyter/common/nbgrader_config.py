# nbgrader settings every user of the hub shares (JUPYTER_CONFIG_PATH, set by deploy/jupyterhub_config.py).
import os

from nbgrader.auth import JupyterHubAuthPlugin

c = get_config()  # noqa: F821 (provided by traitlets)
c.CourseDirectory.course_id = "himaya"
c.Exchange.root = os.environ.get("HIMAYA_EXCHANGE") or "/srv/nbgrader/exchange"
# assignments are fetched into ~/himaya/<module>/; the hub's groups say who is on the course
c.Exchange.path_includes_course = True
c.Authenticator.plugin_class = JupyterHubAuthPlugin
# Validate also reports a failing locked cell that is not a grade cell: a written answer's widget
# (curriculum.exercises.FreeText) names itself there when nothing is written yet
c.Validator.validate_all = True
