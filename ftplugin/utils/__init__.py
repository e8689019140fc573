from .threads import apply_thread_settings, resolve_num_threads
from .tool_utils import (add_runner_args, build_runner, set_data_root,
                         set_work_dir)

__all__ = [
    'add_runner_args', 'apply_thread_settings', 'build_runner',
    'resolve_num_threads', 'set_data_root', 'set_work_dir'
]
