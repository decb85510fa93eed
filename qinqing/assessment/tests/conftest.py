import pytest

from qinqing.assessment.luohe import seed_luohe
from qinqing.assessment.models import Dimension, Indicator, Scheme
from qinqing.assessment.yongchuan import seed_yongchuan, seed_yongchuan_dimensions


@pytest.fixture(autouse=True)
def yongchuan_scheme(db):
    """The migration seeds it; transactional tests elsewhere flush it, so make sure."""
    scheme = seed_yongchuan(Scheme, Indicator)
    seed_yongchuan_dimensions(Scheme, Dimension, Indicator)
    return scheme


@pytest.fixture(autouse=True)
def luohe_scheme(db):
    return seed_luohe(Scheme, Dimension, Indicator)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The personas are created with passwords; the production hasher costs ~0.5 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
