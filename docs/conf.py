"""Sphinx configuration of the sksparse_struct documentation.

Build from the repository root with::

    python -m pip install -e ".[docs]"
    python -m sphinx -W -b html docs docs/_build/html

The gallery executes every ``examples/plot_*.py`` (20 to 40 s in all on
two cores). To iterate on the text only, ``-D plot_gallery=0`` builds the
gallery pages without running the scripts (no figures, no output).
"""

import sys
import zlib
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))  # the package of this checkout, installed or not

import sksparse_struct  # noqa: E402

project = "sksparse_struct"
author = "sksparse_struct developers"
copyright = "2026, sksparse_struct developers"
release = sksparse_struct.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "auto_examples/*.ipynb",
                    "auto_examples/*.py", "auto_examples/*.zip", "auto_examples/*.md5",
                    "auto_examples/*.pickle", "auto_examples/*.codeobj.json"]
default_role = "literal"  # `x` in a docstring is code, not a broken reference

# -- markdown (the user guide, benchmarks and datasets pages) -------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "deflist", "colon_fence"]
myst_heading_anchors = 3  # [text](#a-section-title) links within a page

# -- API reference: numpydoc docstrings, one autosummary page per public name --------------
autosummary_generate = True
autodoc_default_options = {"members": True}
autodoc_typehints = "none"  # the numpydoc Parameters section holds the types
numpydoc_show_class_members = False  # the class template lists the methods
numpydoc_class_members_toctree = False

# -- links to the documentation of the libraries we build on -------------------------------
# Each inventory is read from the web; where the web cannot be reached (an offline build),
# Sphinx falls back to an empty local inventory and says so in its log (not a warning):
# the names then stay plain text instead of links, and the build does not fail.
_OFFLINE_INVENTORY = DOCS / "_build" / "empty-objects.inv"
_OFFLINE_INVENTORY.parent.mkdir(parents=True, exist_ok=True)
_OFFLINE_INVENTORY.write_bytes(
    b"# Sphinx inventory version 2\n# Project: offline\n# Version: 0\n"
    b"# The remainder of this file is compressed using zlib.\n" + zlib.compress(b""))
_INVENTORIES = {
    "python": "https://docs.python.org/3/",
    "numpy": "https://numpy.org/doc/stable/",
    "scipy": "https://docs.scipy.org/doc/scipy/",
    "sklearn": "https://scikit-learn.org/stable/",
    "networkx": "https://networkx.org/documentation/stable/",
    "matplotlib": "https://matplotlib.org/stable/",
}
intersphinx_mapping = {name: (url, (None, str(_OFFLINE_INVENTORY)))
                       for name, url in _INVENTORIES.items()}
intersphinx_timeout = 10

# -- the gallery: every examples/plot_*.py, executed, with its figures and timing ----------
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("sksparse_struct",),
    "backreferences_dir": "generated/backreferences",
    "remove_config_comments": True,
    "show_memory": False,
    "matplotlib_animations": False,
    "image_srcset": [],
    "abort_on_example_error": True,
    "min_reported_time": 0,
    "capture_repr": (),
}

# -- HTML -----------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sksparse_struct {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"**": ["sidebar-nav-bs"], "index": []}
html_static_path = []
html_show_sourcelink = False


def _skip_metadata_request_methods(app, what, name, obj, skip, options):
    """Leave out the ``set_*_request`` methods scikit-learn generates for metadata routing."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_request_methods)
