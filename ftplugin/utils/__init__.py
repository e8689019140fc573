from .threads import apply_thread_settings, resolve_num_threads
from .tool_utils import (add_runner_args, build_runner, load_config,
                         run_main, set_data_root, set_work_dir, user_errors)

__all__ = [
    'add_runner_args', 'apply_thread_settings', 'build_runner', 'load_config',
    'resolve_num_threads', 'run_main', 'set_data_root', 'set_work_dir',
    'user_errors'
]
