"""One Layout and one Style model per distinct look, shared by the widgets that wear it.

ipywidgets gives every widget a Layout model and most widgets a Style model of their own:
each is a comm message from the kernel and a model the browser builds before it can draw.
Module 1 made 513 models, 190 of them layouts saying one of eight things and 155 styles
left at their defaults, and the browser's share of Run All grew with them (#18).  Here a
look is made once per kernel and every widget that wears it points at the same model.

A shared model is never changed after it is made (that would restyle every widget wearing
it): to change one widget's look, give it another shared model.
"""
from __future__ import annotations

import ipywidgets as widgets

#: Shared models of this kernel by (class, traits); a closed model is made anew when asked for.
_MADE: dict[tuple, widgets.Widget] = {}


def shared(kind: type[widgets.Widget], **traits) -> widgets.Widget:
    """The one ``kind`` model (a Layout or a Style) with these ``traits``."""
    key = (kind, tuple(sorted(traits.items())))
    model = _MADE.get(key)
    if model is None or model.comm is None:
        model = _MADE[key] = kind(**traits)
    return model


def layout(**css) -> widgets.Layout:
    """The shared Layout with these CSS properties (none: the default look)."""
    return shared(widgets.Layout, **css)


def wearing(kind: type[widgets.Widget], look: dict | None = None, style: dict | None = None) -> dict:
    """The traits that dress a ``kind`` widget in the shared layout ``look`` and the shared ``style`` of its class."""
    traits = {"layout": layout(**(look or {}))}
    style_trait = kind.class_traits().get("style")
    if style_trait is not None:
        traits["style"] = shared(style_trait.klass, **(style or {}))
    elif style:
        raise TypeError(f"{kind.__name__} has no style to set")
    return traits


def make(kind: type[widgets.Widget], *, look: dict | None = None, style: dict | None = None, **traits):
    """A ``kind`` widget wearing the shared layout ``look`` and the shared ``style`` of its class."""
    return kind(**traits, **wearing(kind, look, style))
