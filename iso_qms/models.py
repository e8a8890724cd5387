"""One models module for the one Django app; the two jobs live in their own sub-packages."""

from .award.models import *  # noqa: F403
from .qms.models import *  # noqa: F403
