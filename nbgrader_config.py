# nbgrader reads this file from the course root; the settings live in grading/config.py.
# The course root is the folder holding this file (the repository, or an instructor's copy on a hub);
# HIMAYA_WORK names the folder under it for nbgrader's files (default build/course). The path is kept as
# nbgrader found it, through a symbolic link too (~/himaya on a hub): formgrader needs it under the server's root.
import os
from pathlib import Path

from grading.config import Layout, configure

configure(get_config(), Layout(root=Path(os.path.abspath(__file__)).parent,  # noqa: F821 (get_config is provided by traitlets)
                               work=os.environ.get("HIMAYA_WORK") or "build/course"))
