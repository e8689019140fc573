from .metrics import *  # noqa: F401,F403
from .transfer_summary import summarize_transfer  # noqa: F401
