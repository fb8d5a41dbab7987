/// Descriptive statistics, OLS regression, hypothesis tests and the special functions they need.
public enum PenguinsStatistics {}
