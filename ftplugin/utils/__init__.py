from .tool_utils import (add_runner_args, build_runner, set_data_root,
                         set_work_dir)

__all__ = ['add_runner_args', 'build_runner', 'set_data_root', 'set_work_dir']
