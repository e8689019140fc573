from .report_plots import plot_confusion_matrix, plot_training_curves

__all__ = ['plot_confusion_matrix', 'plot_training_curves']
