import pickle

from mmaction.registry import METRICS
from mmengine.evaluator import DumpResults
from mmengine.logging import print_log

from ...utils.atomic_io import atomic_open


@METRICS.register_module()
class AtomicDumpResults(DumpResults):
    """mmengine's ``DumpResults`` (the ``--dump`` pickle of
    ``tools/test.py``), written to a temporary file that is fsynced and
    renamed: a failed write (full disk, kill) leaves the previous dump or
    none, never a truncated pickle under its name.

    Args:
        out_file_path (str): The ``.pkl`` / ``.pickle`` file.
        collect_device (str): See :class:`DumpResults`.
        collect_dir (str, optional): See :class:`DumpResults`.
    """

    def compute_metrics(self, results: list) -> dict:
        with atomic_open(self.out_file_path, 'wb') as f:
            pickle.dump(results, f, protocol=pickle.HIGHEST_PROTOCOL)
        print_log(f'Results has been saved to {self.out_file_path}.',
                  logger='current')
        return {}
