from .report_plots import (metric_panels, plot_confusion_matrix,
                           plot_error_by_step, plot_iteration_curves,
                           plot_per_class_ap, plot_training_curves)
from .run_report import write_report

__all__ = [
    'metric_panels', 'plot_confusion_matrix', 'plot_error_by_step',
    'plot_iteration_curves', 'plot_per_class_ap', 'plot_training_curves',
    'write_report'
]
