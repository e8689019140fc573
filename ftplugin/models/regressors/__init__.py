from .heart_rate_regressor import HeartRateRegressor

__all__ = ['HeartRateRegressor']
