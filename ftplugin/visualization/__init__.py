from .inference_timeline import (plot_class_timeline,
                                 plot_heart_rate_timeline, timeline_name)
from .optional_tensorboard_backend import (OptionalTensorboardVisBackend,
                                           tensorboard_available)
from .report_plots import (metric_panels, plot_confusion_matrix,
                           plot_error_by_step, plot_iteration_curves,
                           plot_per_class_ap, plot_training_curves)
from .run_report import write_report, write_reports
from .transfer_plot import plot_transfer

__all__ = [
    'OptionalTensorboardVisBackend', 'metric_panels', 'plot_confusion_matrix',
    'plot_error_by_step', 'plot_iteration_curves', 'plot_per_class_ap',
    'plot_training_curves', 'plot_transfer', 'tensorboard_available',
    'write_report', 'write_reports', 'plot_class_timeline',
    'plot_heart_rate_timeline', 'timeline_name'
]
