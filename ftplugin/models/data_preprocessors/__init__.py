from .signal_data_preprocessor import SignalDataPreprocessor

__all__ = ['SignalDataPreprocessor']
