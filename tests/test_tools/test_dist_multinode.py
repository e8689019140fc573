"""tools/dist_train.sh as two "nodes" on 127.0.0.1 (NNODES=2, NODE_RANK=0
and 1, one CPU process each, gloo): both ranks end with the same weights."""
import pytest
import os
import socket
import subprocess
import sys

import torch
from exact_resume import plugin_config

# saves each rank's final weights (only rank 0 writes checkpoints)
SAVE_RANK_WEIGHTS = '''
import torch
from mmaction.registry import HOOKS
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper


@HOOKS.register_module()
class SaveRankWeightsHook(Hook):

    def after_train(self, runner):
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        torch.save(model.state_dict(),
                   f'{runner.work_dir}/rank{get_rank()}_weights.pth')
'''


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_two_nodes_on_one_box_end_with_the_same_weights(
        repo_root, generated_data, tmp_path):
    cfg = plugin_config(repo_root, tmp_path,
                        'configs/kaggle_pose/pose_ae_kaggle_finetune.py',
                        'save_rank_weights', SAVE_RANK_WEIGHTS,
                        "custom_hooks = [dict(type='SaveRankWeightsHook')]\n"
                        # from random weights: the test has no pretraining
                        'load_cfg = None\n')
    plugin = tmp_path / 'plugin'
    work = tmp_path / 'work'
    data = generated_data / 'kaggle_fall'
    env = dict(os.environ, PORT=str(free_port()), NNODES='2',
               MASTER_ADDR='127.0.0.1', MPLBACKEND='Agg',
               PYTHONPATH=os.pathsep.join([str(repo_root), str(plugin)]),
               PATH=os.pathsep.join([os.path.dirname(sys.executable),
                                     os.environ.get('PATH', '')]))
    command = ['bash', 'tools/dist_train.sh', str(cfg), '1', '--work-dir',
               str(work), '--seed', '0', '--cfg-options',
               'train_cfg.max_epochs=1', 'train_dataloader.batch_size=8'] + [
                   f'{s}_dataloader.dataset.data_root={data}'
                   for s in ('train', 'val', 'test')]
    nodes = [subprocess.Popen(command, cwd=repo_root,
                              env=dict(env, NODE_RANK=str(rank)), text=True,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
             for rank in (0, 1)]
    logs = [node.communicate(timeout=600)[0] for node in nodes]
    for node, log in zip(nodes, logs):
        assert node.returncode == 0, log[-4000:]
    assert 'Distributed training: True' in logs[0]
    assert 'GPU number: 2' in logs[0]  # mmengine's name for the world size
    ranks = [torch.load(work / f'rank{r}_weights.pth', weights_only=True)
             for r in (0, 1)]
    assert ranks[0].keys() == ranks[1].keys()
    assert all(torch.equal(v, ranks[1][k]) for k, v in ranks[0].items())
    # the run trained: rank 0's checkpoint holds these weights
    assert (work / 'epoch_1.pth').is_file()
