from pathlib import Path
from typing import Any

import pytest

from gongkai.core.tests.fixtures import Tree
from gongkai.publishing.tests.factories import Desk, make_desk


@pytest.fixture
def desk(tree: Tree) -> Desk:
    """达川区: its catalog, an editor and the three reviewers."""
    return make_desk(tree.dachuan, "dc")


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploaded files stay out of the project's var/."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = str(root)
    return root
