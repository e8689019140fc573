"""Helpers shared by ftplugin's hooks."""


def validates_after_this_epoch(runner) -> bool:
    """Whether the epoch-based train loop validates after the current
    training epoch (called from ``after_train_epoch``, before the loop
    increments its epoch): hooks that write once per epoch then wait for
    the validation instead of writing twice."""
    loop = getattr(runner, 'train_loop', None)
    if (getattr(runner, 'val_loop', None) is None
            or not hasattr(loop, 'val_interval')):
        return False
    epoch = runner.epoch + 1  # after_train_epoch: not yet incremented
    return epoch >= loop.val_begin and (
        epoch % loop.val_interval == 0 or epoch == loop.max_epochs)
