# stgcnpp_kaggle_joint_u64.py fine-tuned from its backbone pretrained on the
# six KTH actions (stgcnpp_kth_pretrain_joint_u64.py), with the same data,
# schedule and test. The backbone must load completely (no load_from is an
# error); the 6-class head is never loaded, the Kaggle head starts fresh.
#   python tools/train.py configs/kaggle_pose/stgcnpp_kaggle_joint_u64_kth_pretrained.py \
#     --data-root ../shared/data/kaggle_fall --cfg-options \
#     load_from=work_dirs/stgcnpp_kth_pretrain_joint_u64/best_acc_top1_epoch_N.pth
_base_ = ['./stgcnpp_kaggle_joint_u64.py']

load_cfg = dict(required=['backbone'], skip=['cls_head'],
                scratch_config='configs/kaggle_pose/stgcnpp_kaggle_joint_u64.py')
