from .metrics import *  # noqa: F401,F403
from .transfer_summary import summarize_transfer  # noqa: F401
from .transfer_study import run_transfer_study, twin_configs  # noqa: F401
