"""compat.missing_drn: mmaction2 1.2.0's wheel lacks DRN."""
import pytest


def test_drn_is_registered_and_cannot_be_built():
    import mmaction.models  # noqa: F401
    from mmaction.registry import MODELS
    assert MODELS.get('DRN') is not None
    with pytest.raises(Exception):
        MODELS.build(dict(type='DRN'))


def test_building_drn_raises_naming_the_upstream_issue():
    import mmaction.models  # noqa: F401
    from mmaction.registry import MODELS
    with pytest.raises(Exception, match='2714'):
        MODELS.build(dict(type='DRN'))
