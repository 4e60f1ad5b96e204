"""Imported INSIDE a trainee's kernel while the grader executes their notebook.

The grader (:class:`grading.preprocessors.ExecuteAsTrainee`) calls these through
Jupyter's ``user_expressions``: evaluated with ``eval``, they pass through none
of the IPython hooks a trainee's cell may have installed.

* :func:`start`, before the first cell: records IPython's machinery as the
  kernel started (input transformers, AST transformers, the compiler, the
  shell's run methods) and lets the working directory's modules be imported
  only when nothing installed has their name (the kernel runs with
  ``PYTHONSAFEPATH=1``: a ``curriculum/`` folder handed in beside the notebook
  cannot shadow the course's package).
* :func:`reset`, before each test cell: puts back whatever a trainee's cell
  changed of that machinery and returns the names of what it changed (the
  grader records them in the audit).

This is a mitigation, not a sandbox: code in the kernel can still replace this
module or rebind builtins; see SECURITY.md.
"""
from __future__ import annotations

import importlib.machinery
import os
import sys

#: the shell's methods a cell could patch to skip or rewrite the cells that follow
SHELL_METHODS = ("run_cell", "run_cell_async", "_run_cell", "transform_cell", "transform_ast", "run_ast_nodes",
                 "run_code", "should_run_async")
_initial: dict | None = None


class WorkingDirectoryLast:
    """Find top-level modules in the working directory, after every other finder."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if path is not None:  # a submodule: found through its package
            return None
        return importlib.machinery.PathFinder.find_spec(name, [os.getcwd()])


def _shell():
    from IPython.core.interactiveshell import InteractiveShell

    return InteractiveShell.instance()


def start() -> list:
    global _initial
    if WorkingDirectoryLast not in sys.meta_path:
        sys.meta_path.append(WorkingDirectoryLast)
    shell = _shell()
    manager = shell.input_transformer_manager
    _initial = {
        "class": type(shell),
        "manager": manager,
        "cleanup_transforms": list(manager.cleanup_transforms),
        "line_transforms": list(manager.line_transforms),
        "token_transformers": list(manager.token_transformers),
        "input_transformers_post": list(shell.input_transformers_post),
        "ast_transformers": list(shell.ast_transformers),
        "compile": shell.compile,
        "methods": {name: getattr(type(shell), name, None) for name in SHELL_METHODS},
    }
    return []


def reset() -> list:
    """Restore IPython's machinery as :func:`start` found it; the names of what had changed."""
    if _initial is None:
        return ["kernel hooks were never recorded"]
    shell, changed = _shell(), []
    if type(shell) is not _initial["class"]:
        shell.__class__ = _initial["class"]
        changed.append("shell class")
    manager = _initial["manager"]
    if shell.input_transformer_manager is not manager:
        shell.input_transformer_manager = manager
        changed.append("input_transformer_manager")
    for name in ("cleanup_transforms", "line_transforms", "token_transformers"):
        if list(getattr(manager, name)) != _initial[name]:
            setattr(manager, name, list(_initial[name]))
            changed.append(name)
    for name in ("input_transformers_post", "ast_transformers"):
        if list(getattr(shell, name)) != _initial[name]:
            setattr(shell, name, list(_initial[name]))
            changed.append(name)
    if shell.compile is not _initial["compile"]:
        shell.compile = _initial["compile"]
        changed.append("compile")
    for name, method in _initial["methods"].items():
        if name in vars(shell):
            delattr(shell, name)
            changed.append(name)
        if method is not None and getattr(type(shell), name, None) is not method:
            setattr(type(shell), name, method)
            changed.append(name)
    if sys.gettrace() is not None:
        sys.settrace(None)
        changed.append("sys.settrace")
    return changed
