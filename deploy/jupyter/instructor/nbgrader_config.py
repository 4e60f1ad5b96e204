# The instructor's nbgrader: formgrader and the nbgrader commands work on the course directory,
# whose own nbgrader_config.py (the repository's) brings the course's settings (grading/config.py).
import os

c = get_config()  # noqa: F821 (provided by traitlets)
c.CourseDirectory.root = os.environ["HIMAYA_COURSE_DIR"]
